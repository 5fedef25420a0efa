/**
 * The IRC side of bench/irc.ts's traffic: an IRC client (bench/irc-wire.ts) as an Endpoint of
 * bench/xmpp-traffic.ts, whose pairs, phases (windowed burst, paced rate) and checks (lost, duplicated,
 * reordered, latency on one clock) every path of the IRC bench uses, as the XMPP bench does. The window is end
 * to end on every path (IRC has no per-message answer either).
 */
import { performance } from "node:perf_hooks";
import type { IrcWire } from "./irc-wire.js";
import { Endpoint } from "./xmpp-traffic.js";

export { NativeEndpoint, Pair, PathTraffic } from "./xmpp-traffic.js";

/** A registered IRC client: PRIVMSGs it receives (channel or query) are bodies; error numerics count against its sends. */
export class IrcEndpoint extends Endpoint {
  constructor(readonly wire: IrcWire) {
    super();
    wire.onPrivmsg = (_nick, _target, text) => this.onBody(text, performance.now());
    wire.onError = (code) => this.onError(`irc:${code}`);
  }

  /** A PRIVMSG to a channel (or nick) per body. */
  sayTo(target: string): (body: string) => void {
    const head = `PRIVMSG ${target} :`;
    return (body) => this.wire.send(`${head}${body}`);
  }
}
