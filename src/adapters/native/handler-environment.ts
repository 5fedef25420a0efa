/** What frame handlers work with: the adapter's configuration, the core services, and the sessions. */
import type { AccountDeletion } from "../../core/account-deletion.js";
import type { AccountSuspensions } from "../../core/account-suspension.js";
import type { AdapterContext } from "../../core/adapter.js";
import type { Avatars } from "../../core/avatars.js";
import type { Blocklist } from "../../core/blocklist.js";
import type { AccountLinks } from "../../core/linked-accounts.js";
import type { IdentityService } from "../../core/identities.js";
import type { PuppetAccounts } from "../../core/puppet-accounts.js";
import type { PuppetNicks } from "../../core/puppet-nicks.js";
import type { PuppetServerPasswords } from "../../core/puppet-server-passwords.js";
import type { Address } from "../../core/model/address.js";
import type { Roster } from "../../core/roster.js";
import type { RoomInvitations } from "../../core/room-invitations.js";
import type { RoomService } from "../../core/rooms.js";
import type { UserLimits } from "../../core/user-limits.js";
import type { AccountStore, MessageLogStore } from "../../store/store.js";
import type { AttemptLimiter } from "../../util/attempt-limiter.js";
import type { ClientFrame } from "./client-frames.js";
import type { Release } from "./frame-sequencer.js";
import type { NativeConfig } from "./native-config.js";
import type { NativeSession } from "./session.js";
import type { SessionDirectory } from "./session-directory.js";

export interface NativeServices {
  readonly accounts: AccountStore;
  readonly roster: Roster;
  readonly rooms: RoomService;
  readonly history: MessageLogStore;
  /** The session user's own accounts on other networks (xmpp.link, xmpp.unlink). */
  readonly links: AccountLinks;
  /**
   * The session user's accounts on other networks, linked with proof (identity.link, identity.unlink,
   * identity.list): the core sends the one-time code, checks the answer, rate-limits and keeps the links.
   */
  readonly identities: IdentityService;
  /** The session user's own services accounts on IRC networks, for their puppets (irc.account.*). */
  readonly puppetAccounts: PuppetAccounts;
  /** The session user's own nicks for their puppets on IRC networks (irc.nick.*). */
  readonly puppetNicks: PuppetNicks;
  /** The session user's own server passwords for IRC servers on demand, for their puppets (irc.server_password.*). */
  readonly puppetServerPasswords: PuppetServerPasswords;
  /** What one user may keep and ask for (native.limits): contacts, rooms created, subscription requests an hour. */
  readonly limits: UserLimits;
  /** Room invitations: how many one user may make in an hour (rooms.invitations_per_hour), told at hello. */
  readonly invitations: Pick<RoomInvitations, "perHour">;
  /** Deletes an account (account.delete, admin.user.delete): the name in lower case, and who asked. */
  readonly deletion: Pick<AccountDeletion, "delete">;
  /** Disables and enables accounts (admin.user.disable, admin.user.enable): the name in lower case, and who asked. */
  readonly suspensions: Pick<AccountSuspensions, "disable" | "enable">;
  /** The session user's avatar (account.avatar.set, account.avatar.clear; core/avatars.ts), and the bytes of a user's (avatar.get). */
  readonly avatars: Pick<Avatars, "set" | "clear" | "get">;
  /** The session user's block list (contact.block, contact.unblock, contact.blocked; core/blocklist.ts), and the typing check. */
  readonly blocklist: Pick<Blocklist, "block" | "unblock" | "list" | "blocks">;
  /** The gateway's one limiter of failed password checks (core/login-limits.ts, native.login_attempts), shared with XMPP registration. */
  readonly loginLimiter: AttemptLimiter;
}

export interface HandlerEnvironment {
  readonly config: NativeConfig;
  readonly services: NativeServices;
  readonly context: AdapterContext;
  readonly sessions: SessionDirectory;
  readonly loginLimiter: AttemptLimiter;
  /** Accounts registered per address within an hour (native.registrations_per_hour). */
  readonly registrationLimiter: AttemptLimiter;
  /** Records a newly registered user so that messages to them are accepted at once. */
  rememberUser(name: string): void;
  /** The session's presence changed (login, presence.set, logout): recompute and announce the user's. */
  presenceChanged(user: string, address: Address): void;
  /** The user's sessions may receive now: flush their outbox. */
  reachable(address: Address): void;
}

/**
 * Handles one validated frame; the returned object becomes the `ok` answer's payload. `release` lets the next
 * frame of the session start before this one ends (frame-sequencer.ts); it is called at the end regardless.
 */
export type Handler<F extends ClientFrame> = (
  session: NativeSession,
  frame: F,
  env: HandlerEnvironment,
  release: Release,
) => Promise<Record<string, unknown> | undefined>;

export type HandlerTable = { readonly [T in ClientFrame["type"]]: Handler<Extract<ClientFrame, { type: T }>> };
