/**
 * A Switchboard user's name is theirs as a nick in every room (core/rooms.ts NickReservations): nobody else, on any
 * network, joins a room or renames themselves as "alice" (or "ALICE", "ａｌｉｃｅ": core/model/nick.ts) while a
 * user alice exists, and alice's linked accounts may use it as she does.
 */
import { userAddress } from "./adapters/native/native-addresses.js";
import type { IdentityService } from "./core/identities.js";
import { sameAddress, type Address } from "./core/model/address.js";
import { nickKey } from "./core/model/nick.js";
import type { NickReservations } from "./core/rooms.js";
import type { AccountStore } from "./store/store.js";

/** What a user name may be (docs/protocol.md, register). */
const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,31}$/;

export function nativeNameReservations(accounts: AccountStore, identities: IdentityService): NickReservations {
  return {
    async holderOf(nick) {
      const name = nickKey(nick);
      if (!USER_NAME.test(name)) return undefined;
      return (await accounts.get(name)) === undefined ? undefined : userAddress(name);
    },
    isHolder(member: Address, holder: Address) {
      const person = identities.personOf(member);
      return sameAddress(member, holder) || (person !== undefined && sameAddress(person, holder));
    },
  };
}
