/**
 * When the XMPP server has a message: a stanza written to a socket is not a stanza the server read (the
 * connection may already be dead, or the server may stop before it reads what the kernel took). A component
 * stream (XEP-0114) has no acknowledgements, so a message's stanzas are tracked until a barrier proves the server
 * read them: a XEP-0199 ping written after them, whose answer can only come once the server has handled every
 * stanza the stream carried before it (a server handles one stream's stanzas in order, RFC 6120 section 10.1).
 *
 * - Component mode: the ping goes from the component's domain to itself; the server routes it back over the
 *   same stream, and its arrival is the answer (nobody else can send from the component's domain).
 * - Client mode: the ping goes to the account's server, which answers it (a result, or an error: either way it
 *   read everything before).
 *
 * BARRIER_DELAY_MS after a write the barrier is sent; one is in flight at a time (core/barrier-confirmations.ts),
 * so a burst's messages are pipelined under few barriers. A message whose barrier never came back (the
 * connection closed first) is sent again after the reconnect: at least once, never lost. A barrier unanswered
 * for BARRIER_ANSWER_TIMEOUT_MS has the adapter close the connection as dead.
 */
import xml from "@xmpp/xml";
import type { Element } from "ltx";
import { BarrierConfirmations } from "../../core/barrier-confirmations.js";
import { GatewayError } from "../../core/errors.js";
import type { Timers } from "../../util/timers.js";

/** How long after a write the barrier waits, gathering the stanzas written meanwhile. */
export const BARRIER_DELAY_MS = 10;
/** How long a clean stop waits for the last barrier's answer before it closes the stream anyway. */
export const FINAL_BARRIER_TIMEOUT_MS = 2000;
/**
 * A barrier unanswered this long: the connection is taken for dead and closed (XMPP has no keepalive of its own
 * here, and a link that died without a word would otherwise hold messages until the kernel gives up on it).
 */
export const BARRIER_ANSWER_TIMEOUT_MS = 30_000;
export const BARRIER_ID_PREFIX = "sb-barrier-";
/** Differs from run to run, so that no answer to a barrier of an earlier run of the daemon matches one of this run. */
const RUN = Math.floor(Math.random() * 36 ** 6).toString(36);
const NS_PING = "urn:xmpp:ping";

export interface StanzaConfirmerOptions {
  readonly timers?: Timers;
  readonly nextId?: () => string;
  /** Told when a barrier went unanswered for BARRIER_ANSWER_TIMEOUT_MS: the adapter closes the connection. */
  readonly unanswered?: () => void;
}

/** Barrier ids are numbered across the process, so that no two connections' barriers look alike in a log. */
let barriersSent = 0;
function nextBarrierId(): string {
  barriersSent += 1;
  return `${BARRIER_ID_PREFIX}${RUN}-${barriersSent}`;
}

export class StanzaConfirmer {
  private readonly barriers: BarrierConfirmations<undefined>;

  constructor(
    /** Writes the barrier ping with this id now, after every stanza written so far. */
    sendBarrier: (id: string) => void,
    options: StanzaConfirmerOptions = {},
  ) {
    this.barriers = new BarrierConfirmations({
      send: sendBarrier,
      delayMs: () => BARRIER_DELAY_MS,
      nextToken: options.nextId ?? nextBarrierId,
      ...(options.timers === undefined ? {} : { timers: options.timers }),
      ...(options.unanswered === undefined ? {} : { answerTimeoutMs: BARRIER_ANSWER_TIMEOUT_MS, unanswered: options.unanswered }),
    });
  }

  /** Messages written and not confirmed yet. */
  get open(): number {
    return this.barriers.open;
  }

  /**
   * A message's stanzas have just been handed to the socket (in order, after every stanza handed over before;
   * call it in the same turn, before anything else is written, so that no barrier goes out between them
   * unaware of them), and `writing` settles with their writes: resolves once the server proved it read them,
   * rejects with a retryable GatewayError when the connection closed first or the writes failed.
   */
  track(writing: Promise<unknown>): Promise<void> {
    let seq = 0;
    const confirmed = new Promise<void>((resolve, reject) => {
      seq = this.barriers.expect(undefined, (error) => (error === undefined ? resolve() : reject(error)));
      this.barriers.written(seq);
    });
    writing.catch((error: unknown) =>
      this.barriers.notWritten(seq, new GatewayError("GW_ERR_UNAVAILABLE", `the message was not written to the XMPP server: ${(error as Error).message}`, { cause: error, retryable: true })),
    );
    confirmed.catch(() => undefined); // the caller's handler is attached later: never an unhandled rejection
    return confirmed;
  }

  /**
   * An iq with this id came back from where our barriers go: true when it is one of our barriers (to be consumed,
   * not answered as a request), which confirms what was written before it when it is the one in flight.
   */
  answered(id: string): boolean {
    if (!id.startsWith(BARRIER_ID_PREFIX)) return false;
    this.barriers.answered(id);
    return true;
  }

  /**
   * The stream is about to close cleanly: a barrier now covers every message written, so that what the server
   * read before the close is confirmed instead of sent again after a restart. Waits for it at most `timeoutMs`;
   * what is still open then fails (and is sent again later).
   */
  async finalBarrier(timeoutMs = FINAL_BARRIER_TIMEOUT_MS): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const confirmed = await Promise.race([this.barriers.finalBarrier(), timedOut]);
    clearTimeout(timer);
    if (!confirmed) this.failAll("the XMPP server did not confirm the last messages before the connection closed");
  }

  /** The connection closed: every message not confirmed fails, to be sent again once it is back. */
  failAll(reason = "the XMPP connection closed before the server confirmed the message"): void {
    this.barriers.failAll(new GatewayError("GW_ERR_UNAVAILABLE", reason, { retryable: true }));
  }
}

/** A barrier: a XEP-0199 ping with this id. */
export function barrierPing(id: string, to: string, from?: string): Element {
  return xml("iq", { type: "get", id, to, ...(from === undefined ? {} : { from }) }, xml("ping", { xmlns: NS_PING }));
}

/**
 * Client mode (bridge bots, linked accounts): barriers are pings to the account's server, and its answers (a
 * result, or an error from a server without XEP-0199: it read the ping either way) are taken out of the stream.
 */
export class ServerPingConfirmer extends StanzaConfirmer {
  constructor(
    private readonly serverDomain: string,
    write: (element: Element) => Promise<void>,
    options: StanzaConfirmerOptions,
  ) {
    // A barrier that cannot be written is no loss: the connection's loss fails what it would have confirmed.
    super((id) => write(barrierPing(id, serverDomain)).catch(() => undefined), options);
  }

  /** True when `stanza` is the server's answer to one of our barriers (then handled here, and nowhere else). */
  consumed(stanza: Element): boolean {
    if (stanza.name !== "iq") return false;
    const { id, from, type } = stanza.attrs as Record<string, string | undefined>;
    if (id === undefined || (type !== "result" && type !== "error")) return false;
    // Only the server answers from its domain (RFC 6120 section 8.1.2.1: or with no from at all).
    if (from !== undefined && from.toLowerCase() !== this.serverDomain.toLowerCase()) return false;
    return this.answered(id);
  }
}
