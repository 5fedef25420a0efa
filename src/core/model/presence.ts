/**
 * Presence: a person's availability. The show values are RFC 6121's (chat, away, xa, dnd) plus
 * `online` (available with no show) and `offline` (unavailable). docs/presence.md maps them per network.
 */
import type { Address } from "./address.js";

export const SHOWS = ["online", "chat", "away", "xa", "dnd", "offline"] as const;
export type Show = (typeof SHOWS)[number];

export interface Presence {
  /** Whose presence this is. */
  readonly from: Address;
  readonly show: Show;
  /** Free text such as "at lunch"; empty when none. */
  readonly status: string;
  /** RFC 6121 priority, -128..127: breaks ties between a person's accounts or resources. */
  readonly priority: number;
  /** When it was set, in milliseconds since the epoch. */
  readonly since: number;
}

export const MAX_STATUS_LENGTH = 1024;

export function isShow(value: unknown): value is Show {
  return typeof value === "string" && (SHOWS as readonly string[]).includes(value);
}

export function offlinePresence(from: Address, since: number = Date.now()): Presence {
  return { from, show: "offline", status: "", priority: 0, since };
}
