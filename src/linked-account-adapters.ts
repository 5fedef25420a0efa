/**
 * Part of the composition root (gateway.ts): the linked accounts (core/linked-accounts.ts), each native user's own XMPP
 * account, restored from the store (credentials decrypted with the configured key) and linked or unlinked through the
 * native protocol, each an XmppUserAdapter with the context gateway.ts gives it.
 */
import type { AdapterRegistry } from "./core/adapter-registry.js";
import type { CredentialBox } from "./core/credential-box.js";
import { GatewayError } from "./core/errors.js";
import type { KeptOwnRooms } from "./core/kept-own-rooms.js";
import { LinkedAccounts } from "./core/linked-accounts.js";
import type { Logger } from "./core/logger.js";
import type { Supervisor } from "./core/supervisor.js";
import type { SwitchboardConfig } from "./config/config-types.js";
import type { NetworkAdapterDeps } from "./network-adapters.js";
import type { ContactStore, Store } from "./store/store.js";
import { XmppUserAdapter } from "./adapters/xmpp/user-adapter.js";

export interface LinkedAccountDeps {
  readonly config: SwitchboardConfig;
  /** The credential key's box; required when linked accounts are enabled. */
  readonly credentialBox: CredentialBox | undefined;
  readonly store: Store;
  readonly contacts: ContactStore;
  readonly registry: AdapterRegistry;
  readonly supervisor: Supervisor;
  readonly keptOwnRooms: KeptOwnRooms;
  readonly contextFor: NetworkAdapterDeps["contextFor"];
  readonly log: Logger;
}

export function buildLinkedAccounts(deps: LinkedAccountDeps): LinkedAccounts {
  const { config, credentialBox, store, contacts, registry, supervisor, keptOwnRooms, contextFor, log } = deps;
  const userAccounts = config.xmpp.user_accounts;
  if (userAccounts.enabled && !credentialBox) throw new GatewayError("GW_ERR_CONFIG", "xmpp.user_accounts.credential_key must be 32 bytes (64 hex digits or base64)");
  return new LinkedAccounts({
    enabled: userAccounts.enabled,
    box: userAccounts.enabled ? credentialBox : undefined,
    store: store.linkedAccounts,
    contacts,
    registry,
    supervisor,
    // A disabled user's own XMPP account stays logged out across restarts (core/account-suspension.ts).
    disabled: async (owner) => (await store.accounts.get(owner.id))?.disabled !== undefined,
    ownRooms: keptOwnRooms,
    factories: {
      xmpp: (spec) => {
        let adapter: XmppUserAdapter | undefined = undefined;
        const account = { owner: spec.owner, jid: spec.login, password: spec.password, service: spec.service, internalHosts: userAccounts.internal_hosts, rooms: spec.rooms ?? [] };
        const gatewayDomain = config.xmpp.component.enabled ? { gatewayDomain: config.xmpp.component.domain } : {};
        adapter = new XmppUserAdapter({ ...account, ...gatewayDomain }, contextFor("xmpp", spec.account, () => adapter));
        return adapter;
      },
    },
    log: log.child({ component: "linked-accounts" }),
  });
}
