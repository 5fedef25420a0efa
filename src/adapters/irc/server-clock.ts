/**
 * An IRC server's clock read against the gateway's, so that a line's IRCv3 server-time says how long ago it was said
 * by the gateway's clock (irc-line.ts lineSentAt, core/model/sent-at.ts).
 *
 * Why: servers with server-time stamp every live line. Read as they are, the stamps of a server whose clock runs behind
 * the gateway's by more than the core's tolerance (2 s; hosts without a synchronised clock drift that far) would make
 * every live line one "said earlier": native clients would get a `sent_at` on each, and the gateway's MUCs would give
 * each to XMPP occupants with a XEP-0203 `<delay/>`, which XMPP clients take for room history (shown without a
 * notification). So a connection learns the difference from the lines it reads as news: the least (arrival - stamp)
 * seen is the difference of the clocks plus the shortest transit. A line of a batch (a bouncer's playback, channel
 * history) or replayed at a join is none of them. A stamp moved by that difference reads as said on arrival for a live
 * line, and keeps how long ago it was said for one played back. Before any line was read, stamps are taken as they are.
 */
export class ServerClock {
  /** The least (arrival - stamp) seen, in milliseconds; undefined before the first stamped line of news. */
  private offset: number | undefined;

  /** A stamp of a line read as news, arrived at `arrival` (the gateway's clock). */
  observe(stamp: number | undefined, arrival: number): void {
    if (stamp === undefined) return;
    const offset = arrival - stamp;
    if (this.offset === undefined || offset < this.offset) this.offset = offset;
  }

  /** The time a server stamp names, on the gateway's clock. */
  local(stamp: number): number {
    return this.offset === undefined ? stamp : stamp + this.offset;
  }
}
