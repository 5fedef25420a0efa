/** What a linked account (user-adapter.ts) is given: whose it is and how to log in, and what it binds. */
import type { RoomToRejoin } from "../../core/kept-own-rooms.js";
import type { Address } from "../../core/model/address.js";

/** What a linked account needs: whose it is and how to log in. The password never reaches a log line. */
export interface XmppUserAccount {
  readonly owner: Address;
  /** The user's bare JID. */
  readonly jid: string;
  readonly password: string;
  /** xmpp://host:port (STARTTLS when offered; plaintext only to loopback) or xmpps://host:port. */
  readonly service: string;
  /** Hosts on internal networks the operator lets linked accounts reach (service-host.ts); others there are refused. */
  readonly internalHosts: readonly string[];
  /** The MUCs the owner joined through the account before the daemon's restart (core/kept-own-rooms.ts): joined again at its first login. */
  readonly rooms?: readonly RoomToRejoin[];
  /** The component's domain, when it runs: its JIDs are the gateway's people, never added through the account. */
  readonly gatewayDomain?: string;
}

/** The resource the gateway's session of a linked account binds. */
export const USER_RESOURCE = "switchboard";
