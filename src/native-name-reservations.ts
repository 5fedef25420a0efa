/**
 * A Switchboard user's name is theirs as a nick in every room (core/rooms.ts NickReservations): nobody else, on any
 * network, joins a room or renames themselves as "alice" (or "ALICE", "ａｌｉｃｅ": core/model/nick.ts) while a
 * user alice exists, alice's linked accounts may use it as she does, and nobody of a bridged channel or MUC speaks
 * under it: the room shows them as alice%network, their lines and their presence alike (core/shown-names.ts).
 */
import { userAddress } from "./adapters/native/native-addresses.js";
import type { AdapterRegistry } from "./core/adapter-registry.js";
import type { IdentityService } from "./core/identities.js";
import { isUserName } from "./core/model/account-rules.js";
import { sameAddress, type Address } from "./core/model/address.js";
import { nickKey } from "./core/model/nick.js";
import type { NickReservations } from "./core/rooms.js";
import type { AccountRecord, AccountStore } from "./store/store.js";

/** How long an answer is taken again for a line relayed from a bridged room (a name registered since waits as long). */
const RECENT_MS = 30_000;

export interface NativeNameReservations extends NickReservations {
  /** A user registered `name`: it is theirs from now on, also for the questions a recent answer would do for. */
  registered(name: string): void;
  /** The account `name` was deleted: the name is nobody's from now on (until someone registers it). */
  deleted(name: string): void;
}

export function nativeNameReservations(accounts: AccountStore, identities: IdentityService, registry: AdapterRegistry, now: () => number = Date.now): NativeNameReservations {
  // name -> whose it was, and when asked: every relayed room line asks about its sender's nick.
  const recent = new Map<string, { readonly holder: Address | undefined; readonly at: number }>();
  return {
    async holderOf(nick, options = {}) {
      const name = nickKey(nick);
      if (!isUserName(name)) return undefined; // nickKey folds to lower case, as user names are stored
      const known = recent.get(name);
      if (options.recent === true && known !== undefined && now() - known.at < RECENT_MS) return known.holder;
      const holder = (await accounts.get(name)) === undefined ? undefined : userAddress(name);
      if (recent.size >= 10_000) recent.clear();
      recent.set(name, { holder, at: now() });
      return holder;
    },
    mayUse(someone: Address, holder: Address) {
      const person = identities.personOf(someone);
      return sameAddress(someone, holder) || (person !== undefined && sameAddress(person, holder));
    },
    // The people of a network that relays rooms (IRC users, a bot's MUC occupants) are never a room's members.
    isBridgedRoom: (member: Address) => registry.relaysRooms(member),
    registered(name) {
      recent.set(nickKey(name), { holder: userAddress(name), at: now() });
    },
    deleted(name) {
      recent.set(nickKey(name), { holder: undefined, at: now() });
    },
  };
}

/** The account store, telling `registered` of each account made (the native register frame). */
export function tellingRegistrations(accounts: AccountStore, registered: (name: string) => void): AccountStore {
  return {
    async create(account: AccountRecord) {
      const created = await accounts.create(account);
      if (created) registered(account.name);
      return created;
    },
    get: (name) => accounts.get(name),
    count: () => accounts.count(),
    setPasswordHash: (name, passwordHash) => accounts.setPasswordHash(name, passwordHash),
    list: () => accounts.list(),
    page: (query) => accounts.page(query),
    setDisabled: (name, suspension) => accounts.setDisabled(name, suspension),
  };
}
