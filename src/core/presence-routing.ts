/**
 * Presence through the router (core/router.ts): a presence from any network is kept by the presence hub and,
 * for a person with linked accounts, counted into the person's one presence; a person's presence is shown by
 * their own accounts on other networks and by the networks of puppets.
 */
import type { Adapter } from "./adapter.js";
import type { LinkedPersons } from "./linked-persons.js";
import { sameAddress, type Address } from "./model/address.js";
import type { Presence } from "./model/presence.js";
import type { RouterDependencies } from "./router-dependencies.js";

export type PresenceRoutingDependencies = Pick<RouterDependencies, "registry" | "presence" | "log">;

export class PresenceRouting {
  constructor(
    private readonly deps: PresenceRoutingDependencies,
    private readonly persons: LinkedPersons,
  ) {}

  /**
   * A presence from any network. For a person with linked accounts (docs/bridging.md, "Linking accounts") their
   * contacts see one presence: the aggregate, by the core's precedence (core/presence.ts), of the presences of
   * every address of theirs, published as the person's own; a linked account's own presence is also kept as
   * itself, for those who watch that account on its network. `avatarChanged`: it carries a new avatar hash, so those
   * who watch its address are sent it even if it is otherwise the same (PresenceHub `update`).
   */
  async presenceChanged(presence: Presence, avatarChanged = false): Promise<void> {
    const person = this.persons.personFor(presence.from);
    if (person === undefined) {
      if (await this.deps.presence.update(presence, avatarChanged)) await this.setOwnPresence(presence);
      return;
    }
    if (!sameAddress(person, presence.from)) await this.deps.presence.update(presence, avatarChanged);
    this.persons.record(person, presence);
    await this.publishPerson(person);
  }

  async publishPerson(person: Address): Promise<void> {
    const aggregate = this.persons.aggregate(person);
    if (await this.deps.presence.update(aggregate)) await this.setOwnPresence(aggregate);
  }

  /**
   * A person's presence changed: each of their own accounts on other networks shows it there, and so does
   * every adapter that gives people an identity of their own on its network (IRC puppets: AWAY), except on
   * the person's own network.
   */
  private async setOwnPresence(presence: Presence): Promise<void> {
    for (const adapter of this.deps.registry.ownedBy(presence.from)) await this.setPresenceOf(adapter, presence);
    for (const adapter of this.deps.registry.all()) {
      if (adapter.capabilities.puppets && adapter.protocol !== presence.from.protocol) await this.setPresenceOf(adapter, presence);
    }
  }

  async setPresenceOf(adapter: Adapter, presence: Presence): Promise<void> {
    try {
      await adapter.setPresence(presence);
    } catch (error: unknown) {
      this.deps.log.warn({ err: error, adapter: `${adapter.protocol}/${adapter.account}` }, "own presence not set");
    }
  }
}
