/**
 * Aggregation of one person's presences across their accounts (or resources) into the one presence that
 * their contacts see. Pure; docs/presence.md documents the precedence:
 *
 *   1. Any available presence beats offline.
 *   2. By availability: chat > online > dnd > away > xa. (dnd ranks above away: the person is at a
 *      device, just busy; away and xa mean they are not there.)
 *   3. Higher priority (RFC 6121, -128..127).
 *   4. The most recently set.
 *
 * The winner's show and status text become the aggregate; `from` is the person's address given by the caller.
 * With `by: "priority"`, step 3 comes before step 2: the order RFC 6121 uses between the resources of one
 * XMPP account.
 */
import type { Address } from "./model/address.js";
import { offlinePresence, type Presence, type Show } from "./model/presence.js";

const AVAILABILITY: Record<Show, number> = { chat: 5, online: 4, dnd: 3, away: 2, xa: 1, offline: 0 };

export interface AggregateOptions {
  readonly by?: "availability" | "priority";
}

export function availabilityRank(show: Show): number {
  return AVAILABILITY[show];
}

function compare(a: Presence, b: Presence, by: "availability" | "priority"): number {
  const online = Number(a.show !== "offline") - Number(b.show !== "offline");
  if (online !== 0) return online;
  const availability = AVAILABILITY[a.show] - AVAILABILITY[b.show];
  const priority = a.priority - b.priority;
  const first = by === "priority" ? priority : availability;
  const second = by === "priority" ? availability : priority;
  if (first !== 0) return first;
  if (second !== 0) return second;
  return a.since - b.since;
}

/** The presence that wins, as it is (with its own `from`); undefined when there are none. */
export function mostAvailable(presences: readonly Presence[], options: AggregateOptions = {}): Presence | undefined {
  const by = options.by ?? "availability";
  let best: Presence | undefined;
  for (const presence of presences) {
    if (best === undefined || compare(presence, best, by) > 0) best = presence;
  }
  return best;
}

/** The presence that wins, re-addressed as `person`. No presences at all means offline. */
export function aggregatePresence(person: Address, presences: readonly Presence[], options: AggregateOptions = {}): Presence {
  const by = options.by ?? "availability";
  let best: Presence | undefined;
  for (const presence of presences) {
    if (best === undefined || compare(presence, best, by) > 0) best = presence;
  }
  if (best === undefined) return offlinePresence(person, 0);
  return { ...best, from: person };
}
