/**
 * The owner's subject and nick changes in the MUCs she is in through her linked account (account-mucs.ts), waiting
 * for the room's answer: a MUC answers neither with a reply to the request's id but with what it shows everyone (the
 * subject broadcast from her occupant, her self-presence under the new nick) or with an error (a subject change's
 * under its id, a nick change's as an error presence). One change of each kind at a time per room: a second waits for
 * the first. Requests are built and refusals read in account-muc-requests.ts.
 */
import type { Element } from "ltx";
import { GatewayError } from "../../core/errors.js";
import { mucRequestRefusal, nickChange, subjectChange } from "./account-muc-requests.js";

/** How long a subject or nick change waits for the room's answer. */
export const MUC_ANSWER_TIMEOUT_MS = 10_000;

/** One answer awaited from a room: settled once, by the room or by the timeout (GW_ERR_UNAVAILABLE). */
class RoomAnswer {
  readonly settled: Promise<void>;
  private resolveIt!: () => void;
  private rejectIt!: (error: GatewayError) => void;
  private readonly timer: NodeJS.Timeout;

  constructor(what: string) {
    this.settled = new Promise<void>((resolve, reject) => {
      this.resolveIt = resolve;
      this.rejectIt = reject;
    });
    this.settled.catch(() => undefined);
    this.timer = setTimeout(() => this.reject(new GatewayError("GW_ERR_UNAVAILABLE", `${what}: no answer in ${MUC_ANSWER_TIMEOUT_MS / 1000} s`, { retryable: true })), MUC_ANSWER_TIMEOUT_MS);
  }

  resolve(): void {
    clearTimeout(this.timer);
    this.resolveIt();
  }

  reject(error: GatewayError): void {
    clearTimeout(this.timer);
    this.rejectIt(error);
  }
}

interface Pending {
  nick?: { readonly answer: RoomAnswer };
  subject?: { readonly id: string; readonly subject: string; readonly answer: RoomAnswer };
}

export class MucChanges {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly write: (element: Element) => Promise<void>) {}

  /** She takes `nick` in `muc`: resolves once her self-presence under a new nick came (the room may adjust it: status 210). */
  async rename(muc: string, nick: string): Promise<void> {
    const pending = this.of(muc);
    while (pending.nick) await pending.nick.answer.settled.catch(() => undefined);
    const answer = new RoomAnswer(`the nick change in ${muc}`);
    pending.nick = { answer };
    await this.ask(nickChange(muc, nick), answer, () => delete pending.nick);
  }

  /** She sets the subject of `muc`: resolves once the room broadcast it from her occupant. */
  async setSubject(muc: string, id: string, subject: string): Promise<void> {
    const pending = this.of(muc);
    while (pending.subject) await pending.subject.answer.settled.catch(() => undefined);
    const answer = new RoomAnswer(`the subject change in ${muc}`);
    pending.subject = { id, subject, answer };
    await this.ask(subjectChange(muc, id, subject), answer, () => delete pending.subject);
  }

  /** Her self-presence under another nick than before: her nick change is done (true when one was awaited). */
  renamed(muc: string): boolean {
    const nick = this.pending.get(muc)?.nick;
    nick?.answer.resolve();
    return nick !== undefined;
  }

  /** An error presence from the room while her nick change waits: its refusal (true: it was that change's). */
  presenceError(muc: string, condition: string, text: string | undefined): boolean {
    const nick = this.pending.get(muc)?.nick;
    nick?.answer.reject(mucRequestRefusal(condition, muc, "take that nick", text));
    return nick !== undefined;
  }

  /** The room broadcast a subject from her occupant: the change she asked for, when it is that subject. */
  subjectShown(muc: string, subject: string): void {
    const pending = this.pending.get(muc)?.subject;
    if (pending?.subject === subject) pending.answer.resolve();
  }

  /** An error message from the room: the refusal of her subject change with that id (true: it was). */
  messageError(muc: string, id: string | undefined, condition: string, text: string | undefined): boolean {
    const pending = this.pending.get(muc)?.subject;
    if (pending === undefined || id === undefined || pending.id !== id) return false;
    pending.answer.reject(mucRequestRefusal(condition, muc, "set its subject", text));
    return true;
  }

  /** She is out of `muc`, or of every room (the connection is gone): the changes waiting there fail with `error`. */
  fail(error: GatewayError, muc?: string): void {
    for (const [room, pending] of this.pending) {
      if (muc !== undefined && room !== muc) continue;
      pending.nick?.answer.reject(error);
      pending.subject?.answer.reject(error);
    }
  }

  private of(muc: string): Pending {
    let pending = this.pending.get(muc);
    if (!pending) this.pending.set(muc, (pending = {}));
    return pending;
  }

  private async ask(request: Element, answer: RoomAnswer, done: () => void): Promise<void> {
    try {
      await this.write(request).catch((error: unknown) => answer.reject(error as GatewayError));
      await answer.settled;
    } finally {
      done();
    }
  }
}
