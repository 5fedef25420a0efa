/**
 * A puppet's JOIN awaited (awaited-reply.ts): the server's JOIN echo of the puppet itself means it is in; a numeric
 * that refuses a JOIN of that channel means refused, with the numeric's own code and name.
 */
import { GatewayError } from "../../core/errors.js";
import type { IrcConnection } from "./irc-connection.js";
import { awaitReply } from "./awaited-reply.js";
import { FAILURE_NUMERICS } from "./numerics.js";

/** The numerics that refuse a JOIN (RFC 2812 section 3.2.1 and later ones): those numerics.ts lists for "join". */
const JOIN_REFUSALS = new Set(FAILURE_NUMERICS.filter((info) => info.operations.includes("join")).map((info) => info.numeric));
const JOIN_TIMEOUT_MS = 10_000;

/** Joins the connection to a channel, resolving when the server confirms it; a refusal is a GatewayError with the numeric's name. */
export function joinChannel(connection: IrcConnection, channel: string, key: string): Promise<void> {
  const folded = channel.toLowerCase();
  return awaitReply(connection, {
    event: "join",
    answers: (event) => event.channel.toLowerCase() === folded && event.nick.toLowerCase() === connection.nick.toLowerCase() ? true : undefined,
    // The numeric's own code (numerics.ts): GW_ERR_KEY_NEEDED for a bad key, GW_ERR_UNAVAILABLE for a full channel.
    refuses: (event) =>
      JOIN_REFUSALS.has(event.numeric) && event.target?.toLowerCase() === folded
        ? new GatewayError(event.error.code, `cannot join ${channel}: ${event.error.message}`, { retryable: event.error.retryable, condition: event.name })
        : undefined,
    doing: `joining ${channel}`,
    timeoutMs: JOIN_TIMEOUT_MS,
    timedOut: () => new GatewayError("GW_ERR_UNAVAILABLE", `no answer to JOIN ${channel} within ${JOIN_TIMEOUT_MS} ms`, { retryable: true }),
    send: () => connection.send("JOIN", key === "" ? [channel] : [channel, key]),
  });
}
