/**
 * An XMPP user's presence is per resource (each connected client). The gateway's contacts see one presence
 * per person: the resources aggregated by priority first (RFC 6121 section 4.7.2.3), with the core's
 * aggregation (src/core/presence.ts, `by: "priority"`).
 */
import type { Address } from "../../core/model/address.js";
import type { Presence } from "../../core/model/presence.js";
import { aggregatePresence } from "../../core/presence.js";

/** The most resources kept per person: real people have a handful; a hostile server could mint any number. */
export const MAX_RESOURCES = 32;

export class ResourcePresence {
  private readonly byPerson = new Map<string, Map<string, Presence>>();

  /** Records one resource's presence; returns the person's aggregate. A resource beyond MAX_RESOURCES is ignored. */
  update(person: Address, resource: string, presence: Presence): Presence {
    let resources = this.byPerson.get(person.id);
    if (!resources) {
      resources = new Map();
      this.byPerson.set(person.id, resources);
    }
    if (presence.show === "offline") resources.delete(resource);
    else if (resources.size < MAX_RESOURCES || resources.has(resource)) resources.set(resource, presence);
    if (resources.size === 0) this.byPerson.delete(person.id);
    const aggregate = aggregatePresence(person, [...resources.values()], { by: "priority" });
    return aggregate.show === "offline" ? { ...aggregate, since: presence.since } : aggregate;
  }

  /** Forgets everything (the connection to the server was lost: it will send presence again). */
  clear(): void {
    this.byPerson.clear();
  }
}
