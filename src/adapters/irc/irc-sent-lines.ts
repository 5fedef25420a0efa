/**
 * The lines one IRC connection sends (irc-connection.ts), and the lines it reads that prove the server read them:
 * - each outgoing line: serializeLine (line-safety.ts) refuses CR, LF and NUL before anything is queued,
 *   then flood control (irc-line-writer.ts) and the connection's raw write. PONG and QUIT skip the bucket;
 * - PRIVMSG and NOTICE are tracked until the server confirms them (irc-confirmer.ts), TOPICs counted until
 *   answered, so that a refusal numeric answers the line it refuses.
 */
import { GatewayError, toGatewayError } from "../../core/errors.js";
import type { IrcConfirmer } from "./irc-confirmer.js";
import type { IrcLine } from "./irc-line.js";
import type { IrcLineWriter, SendDone } from "./irc-line-writer.js";
import type { IrcOwnState } from "./irc-own-state.js";
import { failureFromNumeric } from "./numerics.js";
import { serializeLine } from "./line-safety.js";

export interface IrcSentLinesParts {
  readonly writer: IrcLineWriter;
  readonly confirmer: IrcConfirmer;
  readonly own: IrcOwnState;
  /** IrcConnection.isOpen: lines are refused once the connection is closing or closed. */
  isOpen(): boolean;
  /** Runs a callback; an exception is logged, never thrown into irc-framework. */
  guard(what: string, action: () => void): void;
}

export class IrcSentLines {
  /** TOPICs sent and not yet answered (by their echo, or a refusal), counted per channel (ASCII lower case). */
  private readonly topicsSent = new Map<string, number>();

  constructor(private readonly parts: IrcSentLinesParts) {}

  /** One line through flood control or at once, tracked as IrcConnection.send says. */
  send(command: string, params: readonly string[], done?: SendDone, confirmed?: SendDone): void {
    const line = serializeLine(command, params);
    const bytes = Buffer.byteLength(line, "utf8") + 2;
    if (bytes > this.parts.own.server.lineLen) {
      throw new GatewayError("GW_ERR_DELIVERY_FAILED", `the IRC line is ${bytes} bytes; the server takes at most ${this.parts.own.server.lineLen}`, { condition: "line-too-long" });
    }
    if (!this.parts.isOpen()) throw new GatewayError("GW_ERR_UNAVAILABLE", "the IRC connection is closed", { retryable: true });
    const upper = command.toUpperCase();
    if (upper === "TOPIC" && params.length > 1) this.countTopic(params[0] ?? "", 1);
    if (upper === "PONG" || upper === "QUIT") this.parts.writer.writeNow(line, this.bothDone(done, confirmed));
    else if (upper === "PRIVMSG" || upper === "NOTICE") this.enqueueTracked(line, params[0] ?? "", upper === "NOTICE", done, confirmed);
    else this.parts.writer.enqueue(line, this.bothDone(done, confirmed));
  }

  /** PRIVMSG and NOTICE: queued, and tracked until the server confirms them (irc-confirmer.ts). */
  private enqueueTracked(line: string, target: string, notice: boolean, done: SendDone | undefined, confirmed: SendDone | undefined): void {
    const waiter = confirmed === undefined ? undefined : (error?: GatewayError): void => this.parts.guard("a confirmation callback", () => confirmed(error));
    const seq = this.parts.confirmer.expect(target, waiter, notice);
    try {
      this.parts.writer.enqueue(line, (error) => {
        if (error === undefined) this.parts.confirmer.written(seq);
        else this.parts.confirmer.notWritten(seq, error);
        done?.(error);
      });
    } catch (error: unknown) {
      this.parts.confirmer.notWritten(seq, toGatewayError(error));
      throw error;
    }
  }

  private bothDone(done: SendDone | undefined, confirmed: SendDone | undefined): SendDone | undefined {
    if (confirmed === undefined) return done;
    return (error) => {
      done?.(error);
      confirmed(error);
    };
  }

  /** A line that proves the server read ours: an echo of our PRIVMSG/NOTICE, a refusal numeric naming a target, our barrier's PONG. */
  confirm(line: IrcLine): void {
    if (line.command === "PONG") {
      this.parts.confirmer.pong(line.params[line.params.length - 1] ?? "");
    } else if ((line.command === "PRIVMSG" || line.command === "NOTICE") && line.source?.nick.toLowerCase() === this.parts.own.nick.toLowerCase()) {
      if (this.parts.confirmer.echoMode) this.parts.confirmer.answered(line.params[0] ?? "");
    } else if (line.command === "TOPIC" && line.source?.nick.toLowerCase() === this.parts.own.nick.toLowerCase()) {
      this.countTopic(line.params[0] ?? "", -1);
    } else if (/^\d{3}$/.test(line.command)) {
      const failure = failureFromNumeric(line.command, line.params);
      if (failure?.target === undefined || !failure.info.operations.includes("message")) return;
      // A numeric that may refuse a TOPIC too (482) answers the TOPIC sent there, not a message line.
      if (failure.info.operations.includes("topic") && this.countTopic(failure.target, -1)) return;
      this.parts.confirmer.refused(failure.target, failure.error);
    }
  }

  /** Adds `change` (1 or -1) to the TOPICs open for `channel`; false when there was none to take away. */
  private countTopic(channel: string, change: 1 | -1): boolean {
    const key = channel.toLowerCase();
    const open = this.topicsSent.get(key) ?? 0;
    if (change < 0 && open === 0) return false;
    if (open + change === 0) this.topicsSent.delete(key);
    else this.topicsSent.set(key, open + change);
    return true;
  }
}
