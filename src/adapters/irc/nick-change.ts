/**
 * A connection changes its nick and learns whether the server took it (RFC 2812 section 3.1.2): the server's NICK
 * echo of the connection itself means taken; a numeric that refuses a nick change (numerics.ts, operation "nick":
 * 432 erroneous, 433 in use, 435 banned on a channel, 437 held, 438 too fast, 447 a +N channel, 484 restricted...)
 * means refused, with that numeric's code and name. A refusal naming a nick other than the one asked for (a 437 of
 * a channel JOIN) is someone else's answer. The server's NICK echo naming another nick than the one asked for (a
 * forced rename, a collision) is refused too, with condition "renamed": the connection now has that other nick. A
 * connection sends one nick change at a time (the caller sees to it).
 */
import { GatewayError } from "../../core/errors.js";
import type { IrcConnection } from "./irc-connection.js";
import { sameName } from "./nicks.js";
import { describeNumeric } from "./numerics.js";
import { awaitReply } from "./awaited-reply.js";

export const NICK_CHANGE_TIMEOUT_MS = 10_000;

/**
 * Resolves once the server took `nick` for the connection; rejects with its refusal, a close, a timeout (condition
 * "timeout") or another nick given (condition "renamed").
 */
export function changeNick(connection: IrcConnection, nick: string, timeoutMs = NICK_CHANGE_TIMEOUT_MS): Promise<void> {
  const before = connection.nick;
  const mapping = connection.server.caseMapping;
  return awaitReply(connection, {
    event: "nick",
    answers: (event) => {
      if (!sameName(event.from, before, mapping)) return undefined;
      return sameName(event.to, nick, mapping) || new GatewayError("GW_ERR_NICK_IN_USE", `the server gave the connection ${event.to} instead of ${nick}`, { condition: "renamed" });
    },
    refuses: (event) => {
      const info = describeNumeric(event.numeric);
      if (!info?.operations.includes("nick")) return undefined;
      if (info.targetParam !== undefined && event.target !== undefined && !sameName(event.target, nick, mapping)) return undefined;
      return event.error;
    },
    doing: `changing its nick to ${nick}`,
    timeoutMs,
    timedOut: () => new GatewayError("GW_ERR_UNAVAILABLE", `no answer to NICK ${nick} within ${timeoutMs} ms`, { retryable: true, condition: "timeout" }),
    send: () => connection.send("NICK", [nick]),
  });
}
