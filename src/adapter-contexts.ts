/**
 * The AdapterContext each adapter is given (core/adapter-context.ts): the core's services as one network sees them,
 * with the checks that keep an adapter to its own network's people (`speaksFor`: an adapter acts in the name of
 * its own network's people only). gateway.ts builds one for every adapter it makes, from the services it wired.
 */
import { accountPage } from "./core/account-listing.js";
import type { AccountDeletion } from "./core/account-deletion.js";
import type { AccountSuspensions } from "./core/account-suspension.js";
import type { Announcements } from "./core/announcements.js";
import type { Adapter, AdapterContext, AdapterStatus } from "./core/adapter.js";
import type { MessageOfTheDay } from "./core/message-of-the-day.js";
import type { BridgeService } from "./core/bridges.js";
import type { ContactInfoService } from "./core/contact-info.js";
import type { Avatars } from "./core/avatars.js";
import { directLogOf } from "./core/direct-log.js";
import { GatewayError, hasErrorCode } from "./core/errors.js";
import type { GatewayStatus } from "./core/gateway-status.js";
import type { IdentityService } from "./core/identities.js";
import type { Logger } from "./core/logger.js";
import { formatAddress, sameAddress, type Address, type ProtocolId } from "./core/model/address.js";
import type { MucLineLog } from "./core/muc-line-log.js";
import type { NameClaims } from "./core/name-claims.js";
import type { OwnRooms } from "./core/own-rooms.js";
import type { PasswordLinks } from "./core/password-links.js";
import type { PuppetAccounts } from "./core/puppet-accounts.js";
import type { PuppetNicks } from "./core/puppet-nicks.js";
import type { PuppetServerPasswords } from "./core/puppet-server-passwords.js";
import type { roomArchiveOf } from "./core/room-archive.js";
import { bansSpokenFor, type RoomBans } from "./core/room-bans.js";
import type { RoomDestruction } from "./core/room-destruction.js";
import { settingsSpokenFor, type RoomSettings } from "./core/room-settings.js";
import { cleanReason, type RoomInvitations } from "./core/room-invitations.js";
import type { RoomJoins } from "./core/room-joins.js";
import type { Router } from "./core/router.js";
import type { Supervisor } from "./core/supervisor.js";
import type { SenderHosts } from "./core/sender-hosts.js";
import type { Blocklist } from "./core/blocklist.js";
import type { SwitchboardConfig } from "./config/config-types.js";
import type { Store } from "./store/store.js";
import type { RoomDirectory } from "./core/room-directory.js";

/** What the adapters' contexts are made of: the gateway's services, wired by gateway.ts. */
export interface ContextServices {
  readonly config: SwitchboardConfig;
  readonly log: Logger;
  /** Aborted when the gateway stops. */
  readonly signal: AbortSignal;
  readonly store: Store;
  readonly router: Router;
  readonly roomJoins: RoomJoins;
  readonly ownRooms: OwnRooms;
  readonly roomBans: RoomBans;
  readonly roomSettings: RoomSettings;
  readonly roomDestruction: RoomDestruction;
  readonly invitations: RoomInvitations;
  readonly roomArchive: ReturnType<typeof roomArchiveOf>;
  readonly mucLines: MucLineLog;
  /** IRC senders as seen, for the block lists (core/sender-hosts.ts). */
  readonly senderHosts: SenderHosts;
  /** Native users' block lists (core/blocklist.ts). */
  readonly blocklist: Pick<Blocklist, "list">;
  readonly names: NameClaims;
  readonly bridges: BridgeService;
  readonly status: GatewayStatus;
  readonly identities: IdentityService;
  /** Links by password (core/password-links.ts: XMPP in-band registration). */
  readonly passwordLinks: PasswordLinks;
  readonly puppetAccounts: PuppetAccounts;
  readonly puppetNicks: PuppetNicks;
  readonly puppetServerPasswords: PuppetServerPasswords;
  readonly roomDirectory: RoomDirectory;
  readonly supervisor: Supervisor;
  /** Contact information across networks (core/contact-info.ts). */
  readonly contactInfo: ContactInfoService;
  /** Native users' avatars' types and hashes, and other networks' people's as heard (core/avatars.ts). */
  readonly avatars: Pick<Avatars, "refOf" | "heardOf" | "heard" | "heardInPresence">;
  /**
   * Account deletion, asked for when an admin deletes an account: a getter, since the deletion service is made from
   * services (linked accounts) that are built after the contexts' services.
   */
  readonly deletion: () => Pick<AccountDeletion, "delete">;
  /** Disabling and enabling accounts (core/account-suspension.ts), asked for when used as `deletion` is. */
  readonly suspensions: () => Pick<AccountSuspensions, "disable" | "enable">;
  /** Admins' announcements to the users online (core/announcements.ts). */
  readonly announcements: Pick<Announcements, "announce">;
  /** The message of the day (core/message-of-the-day.ts). */
  readonly messageOfTheDay: Pick<MessageOfTheDay, "current" | "get" | "set" | "clear">;
}

/** The context of the adapter of `protocol`/`account`; `adapterRef` is the adapter once made (for its status). */
export function adapterContext(services: ContextServices, protocol: ProtocolId, account: string, adapterRef: () => Adapter | undefined): AdapterContext {
  const adapterLog = services.log.child({ adapter: `${protocol}/${account}` });
  // An adapter speaks for the people of its own network only: where it acts in someone's name, that is checked.
  const speaksFor = (person: Address): void => {
    if (person.protocol !== protocol || person.account !== account) throw new GatewayError("GW_ERR_FORBIDDEN", `${protocol}/${account} cannot speak for ${person.protocol}/${person.account}`);
  };
  const mustBeAdmin = (person: Address): void => {
    if (!services.bridges.isAdmin(person)) throw new GatewayError("GW_ERR_FORBIDDEN", `${formatAddress(person)} is not an admin of this gateway`);
  };
  return {
    account,
    log: adapterLog,
    signal: services.signal,
    submit: (draft, options) => services.router.submit(draft, options),
    recordSentElsewhere: (draft) => services.router.sentElsewhere(protocol, account, draft),
    knows: (address) => services.router.knows(address),
    takesDirectMessages: (address) => services.router.takesDirectMessages(address),
    roomHistory: (room, limit) => services.store.log.history({ room }, { limit }),
    roomArchive: services.config.store.message_log ? services.roomArchive : undefined,
    directLog: services.config.store.message_log ? directLogOf(services.store.log, { protocol, account }) : undefined,
    // Of use only while the lines they name are in the log: with it off, nothing is kept.
    mucLines: services.config.store.message_log ? services.mucLines.of(protocol, account) : undefined,
    ...(protocol === "irc" ? { senderHosts: services.senderHosts.of(account) } : {}),
    blockedBy: (owner) => services.blocklist.list(owner),
    bridgedPeople: (room) => services.roomJoins.bridgedPeople(room),
    ownRooms: {
      ownerOf: (room) => services.ownRooms.ownerOf(room),
      join: async (room, member, key) => {
        speaksFor(member.address);
        return services.ownRooms.join(room, member, key);
      },
      leave: async (room, member) => {
        speaksFor(member);
        await services.ownRooms.leave(room, member);
      },
      get: (room, member) => {
        speaksFor(member);
        return services.ownRooms.get(room, member);
      },
      find: (room, member) => {
        speaksFor(member);
        return services.ownRooms.find(room, member);
      },
      checkLine: async (room, member, messageId, verb) => {
        speaksFor(member);
        await services.ownRooms.checkLine(room, member, messageId, verb);
      },
      listOf: (member) => {
        speaksFor(member);
        return services.ownRooms.listOf(member);
      },
      marked: async (room, archiveMark) => {
        speaksFor(room); // a room reached through this adapter's own account
        await services.ownRooms.marked(room, archiveMark);
      },
      rename: async (room, member, nick) => {
        speaksFor(member);
        return services.ownRooms.rename(room, member, nick);
      },
      setSubject: async (room, member, subject) => {
        speaksFor(member);
        await services.ownRooms.setSubject(room, member, subject);
      },
      invite: async (room, member, to, reason) => {
        speaksFor(member);
        services.ownRooms.get(room, member); // in the room (GW_ERR_NOT_MEMBER) before the invitation counts
        const cleaned = cleanReason(reason);
        // Only an invitation that went out counts: one refused (an address nobody can be invited at) is taken back.
        const refund = services.invitations.charge(member);
        await services.ownRooms.invite(room, member, to, cleaned).catch((error: unknown) => {
          refund();
          throw error;
        });
      },
      kick: async (room, member, occupant, reason) => {
        speaksFor(member);
        await services.ownRooms.kick(room, member, occupant, reason);
      },
      ban: async (room, member, person, reason) => {
        speaksFor(member);
        await services.ownRooms.ban(room, member, person, reason);
      },
      unban: async (room, member, person) => {
        speaksFor(member);
        await services.ownRooms.unban(room, member, person);
      },
      bans: async (room, member) => {
        speaksFor(member);
        return services.ownRooms.bans(room, member);
      },
    },
    names: {
      claim: (person, candidates) => services.names.claim(protocol, account, person, candidates),
      peek: (person, candidates) => services.names.peek(protocol, account, person, candidates),
      isClaimed: (name) => services.names.isClaimed(protocol, account, name),
      choose: (person, candidates) => services.names.choose(protocol, account, person, candidates),
      undo: (person, choice) => services.names.undo(protocol, account, person, choice),
    },
    probe: (subject, viewer) => services.router.probe(subject, viewer),
    contactInfo: async (viewer, subject) => {
      speaksFor(viewer);
      return services.contactInfo.lookup(viewer, subject);
    },
    avatars: {
      get: async (viewer, subject) => {
        speaksFor(viewer);
        return services.contactInfo.avatar(viewer, subject);
      },
      refOf: (owner) => services.avatars.refOf(owner),
      heardOf: (owner) => services.avatars.heardOf(owner),
      heard: (owner, avatar) => services.avatars.heard(owner, avatar),
      heardInPresence: (owner, avatar) => services.avatars.heardInPresence(owner, avatar),
    },
    related: (a, b) => services.router.related(a, b),
    linkedPerson: (address) => services.identities.personOf(address),
    awaitsAnswer: (subject, requester) => services.router.awaitsAnswer(subject, requester),
    checkOwnership: (a, b) => services.router.checkOwnership(a, b),
    checkChatPeer: (to) => services.router.checkChatPeer(to),
    checkNotStandIn: (address) => services.router.checkNotStandIn(address),
    syncContacts: (owner, contacts) => services.router.syncContacts(owner, protocol, account, contacts),
    joinRoom: (room, member, options) => services.roomJoins.join(room, member, options),
    bounced: (messageId, recipient, error) => {
      services.router.bounced(messageId, recipient, error).catch((failure: unknown) => services.log.error({ err: failure }, "bounce not handled"));
    },
    wantsReceipts: (sender) => services.router.wantsReceipts(sender),
    received: (receipt) => services.router.received(receipt),
    leaveRoom: (room, member, removal) => services.roomJoins.leave(room, member, removal),
    renameInRoom: (room, member, nick) => services.roomJoins.rename(room, member, nick),
    kickFromRoom: async (room, by, target, reason) => {
      speaksFor(by);
      await services.roomJoins.kick(room, by, target, reason);
    },
    roomBans: bansSpokenFor(services.roomBans, speaksFor),
    roomSettings: settingsSpokenFor(services.roomSettings, services.roomDestruction, speaksFor),
    inviteToRoom: async (invitation) => {
      speaksFor(invitation.from);
      await services.invitations.invite(invitation);
    },
    declineInvitation: async (decline) => {
      speaksFor(decline.from);
      return services.invitations.decline(decline);
    },
    dispatch: (event) => services.router.dispatch(event),
    bridges: services.bridges,
    gatewayStatus: async (by) => {
      speaksFor(by);
      return services.status.report(by);
    },
    userAdmin: {
      delete: async (by, name) => {
        speaksFor(by);
        mustBeAdmin(by);
        await services.deletion().delete(name.toLowerCase(), by);
      },
      disable: async (by, name, reason) => {
        speaksFor(by);
        mustBeAdmin(by);
        await services.suspensions().disable(name.toLowerCase(), by, reason);
      },
      enable: async (by, name) => {
        speaksFor(by);
        mustBeAdmin(by);
        await services.suspensions().enable(name.toLowerCase(), by);
      },
      counts: async (by) => {
        speaksFor(by);
        mustBeAdmin(by);
        const native = services.supervisor.states().find((state) => state.adapter.protocol === "native")?.adapter;
        return { registered: await services.store.accounts.count(), online: native?.stats?.()["users"] ?? 0 };
      },
      list: async (by, query) => {
        speaksFor(by);
        mustBeAdmin(by);
        return accountPage(services.store.accounts, query);
      },
      announce: async (by, text) => {
        speaksFor(by);
        return services.announcements.announce(by, text);
      },
    },
    messageOfTheDay: {
      current: () => services.messageOfTheDay.current(),
      get: async (by) => {
        speaksFor(by);
        return services.messageOfTheDay.get(by);
      },
      set: async (by, text, options) => {
        speaksFor(by);
        return services.messageOfTheDay.set(by, text, options);
      },
      clear: async (by) => {
        speaksFor(by);
        return services.messageOfTheDay.clear(by);
      },
    },
    passwordLinks: {
      linkedUser: (address) => {
        speaksFor(address);
        return services.passwordLinks.linkedUser(address);
      },
      link: async (address, remote, user, password) => {
        speaksFor(address);
        return services.passwordLinks.link(address, remote, user, password);
      },
      unlink: async (address) => {
        speaksFor(address);
        return services.passwordLinks.unlink(address);
      },
    },
    serviceMessage: async (from, body) => {
      speaksFor(from);
      return services.identities.serviceMessage(from, body);
    },
    puppetAccounts: {
      offered: () => services.puppetAccounts.offered(),
      settable: () => services.puppetAccounts.settable(),
      set: async (person, network, credentials) => {
        speaksFor(person);
        return services.puppetAccounts.set(services.identities.personOf(person) ?? person, network, credentials);
      },
      // What the asker kept before their JID was linked stays theirs to list and remove.
      remove: async (person, network) => {
        speaksFor(person);
        const owner = services.identities.personOf(person) ?? person;
        await services.puppetAccounts.remove(owner, network).catch(async (error: unknown) => {
          if (sameAddress(owner, person) || !hasErrorCode(error, "GW_ERR_NOT_FOUND")) throw error;
          await services.puppetAccounts.remove(person, network);
        });
      },
      list: async (person) => {
        speaksFor(person);
        const owner = services.identities.personOf(person) ?? person;
        return sameAddress(owner, person) ? services.puppetAccounts.list(owner) : [...(await services.puppetAccounts.list(owner)), ...(await services.puppetAccounts.list(person))];
      },
    },
    // As puppetAccounts: kept for the person the asker is, and what the asker kept before a link stays theirs.
    puppetServerPasswords: {
      offered: () => services.puppetServerPasswords.offered(),
      settable: () => services.puppetServerPasswords.settable(),
      set: async (person, network, password) => {
        speaksFor(person);
        return services.puppetServerPasswords.set(services.identities.personOf(person) ?? person, network, password);
      },
      remove: async (person, network) => {
        speaksFor(person);
        const owner = services.identities.personOf(person) ?? person;
        await services.puppetServerPasswords.remove(owner, network).catch(async (error: unknown) => {
          if (sameAddress(owner, person) || !hasErrorCode(error, "GW_ERR_NOT_FOUND")) throw error;
          await services.puppetServerPasswords.remove(person, network);
        });
      },
      list: async (person) => {
        speaksFor(person);
        const owner = services.identities.personOf(person) ?? person;
        return sameAddress(owner, person) ? services.puppetServerPasswords.list(owner) : [...(await services.puppetServerPasswords.list(owner)), ...(await services.puppetServerPasswords.list(person))];
      },
    },
    puppetNicks: {
      offered: () => services.puppetNicks.offered(),
      set: async (person, network, name) => {
        speaksFor(person);
        return services.puppetNicks.set(services.identities.personOf(person) ?? person, network, name);
      },
      list: (person) => {
        speaksFor(person);
        return services.puppetNicks.list(services.identities.personOf(person) ?? person);
      },
    },
    roomDirectory: {
      networks: () => services.roomDirectory.networks(),
      offers: (network) => services.roomDirectory.offers(network),
      page: async (person, network, query) => {
        speaksFor(person);
        return services.roomDirectory.page(services.identities.personOf(person) ?? person, network, query);
      },
    },
    // Only an IRC network's own accounts, and only for its puppets: nobody else's password reaches an adapter.
    puppetAccount: async (person) => (protocol === "irc" ? services.puppetAccounts.credentials(person, account) : undefined),
    puppetServerPassword: async (person) => (protocol === "irc" ? services.puppetServerPasswords.password(person, account) : undefined),
    accountCreatedAt: async (person) => (person.protocol === "native" ? (await services.store.accounts.get(person.id))?.createdAt : undefined),
    accountDisabled: async (person) => person.protocol === "native" && (await services.store.accounts.get(person.id))?.disabled !== undefined,
    setStatus: (status: AdapterStatus, error?: Error) => {
      const adapter = adapterRef();
      if (adapter) services.supervisor.report(adapter, status, error);
    },
  };
}
