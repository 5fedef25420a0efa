/**
 * The deletion of native accounts (core/account-deletion.ts) made from the gateway's wired services: each step the
 * core takes is done by the service that owns it, and once the store removed the rest, what the gateway keeps in
 * memory of it (buddy-list entries, rooms' members and owners, names people hold, names taken, identity links) is read
 * again.
 */
import { AccountDeletion, userOf } from "./core/account-deletion.js";
import type { AdapterRegistry } from "./core/adapter-registry.js";
import type { BridgeService } from "./core/bridges.js";
import type { CachedContactStore } from "./core/contact-cache.js";
import type { IdentityService } from "./core/identities.js";
import type { LinkedAccounts } from "./core/linked-accounts.js";
import type { Logger } from "./core/logger.js";
import type { NameClaims } from "./core/name-claims.js";
import type { Outbox } from "./core/outbox.js";
import type { Avatars } from "./core/avatars.js";
import type { Blocklist } from "./core/blocklist.js";
import type { PuppetAccounts } from "./core/puppet-accounts.js";
import type { RoomService } from "./core/rooms.js";
import type { Roster } from "./core/roster.js";
import type { Router } from "./core/router.js";
import type { NativeNameReservations } from "./native-name-reservations.js";
import type { Store } from "./store/store.js";

export interface DeletionServices {
  readonly store: Store;
  readonly registry: AdapterRegistry;
  readonly bridges: BridgeService;
  readonly outbox: Outbox;
  readonly links: LinkedAccounts;
  readonly identities: IdentityService;
  readonly puppetAccounts: PuppetAccounts;
  readonly rooms: RoomService;
  readonly router: Router;
  readonly contacts: CachedContactStore;
  readonly roster: Roster;
  readonly names: NameClaims;
  readonly reservations: NativeNameReservations;
  readonly avatars: Pick<Avatars, "forget">;
  readonly blocklist: Pick<Blocklist, "forget">;
  readonly log: Logger;
}

export function accountDeletion(services: DeletionServices): AccountDeletion {
  const { store, registry, bridges, outbox, links, identities, puppetAccounts, rooms, router, contacts, roster, names, reservations, avatars, blocklist } = services;
  const log = services.log.child({ component: "accounts" });
  return new AccountDeletion({
    removals: store.accountRemovals,
    registry,
    isAdmin: (address) => bridges.isAdmin(address),
    outbox,
    linkedAccounts: links,
    identities,
    puppetAccounts,
    rooms: {
      roomsOf: (member) => rooms.roomsOf(member),
      leave: async (room, member) => {
        await router.leaveRoom(room, member);
        await bridges.closeIfIdle(room);
      },
    },
    contacts,
    roster,
    removed: async (name) => {
      contacts.invalidate();
      rooms.forgetCached();
      await names.load();
      reservations.deleted(name);
      avatars.forget(userOf(name));
      blocklist.forget(userOf(name));
      await identities.personRemoved(userOf(name));
      await router.nameFreed(name).catch((error: unknown) => log.warn({ err: error }, "names shown in rooms not reconsidered"));
    },
    log,
  });
}
