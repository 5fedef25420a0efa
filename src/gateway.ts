/**
 * The composition root: builds the logger, store, core services and adapters from a loaded configuration,
 * and wires them together. Everything else receives its dependencies as arguments.
 */
import { roomArchiveOf } from "./core/room-archive.js";
import type { Adapter, AdapterContext } from "./core/adapter.js";
import { CredentialBox, decodeCredentialKey } from "./core/credential-box.js";
import { GatewayError } from "./core/errors.js";
import { sealClearBridgeKeys, sealedBridgeStore } from "./core/sealed-bridges.js";
import { buildLinkedAccounts } from "./linked-account-adapters.js";
import { ReloadedValues, reloadGateway, userLimitValues } from "./gateway-reload.js";
import { PuppetAccounts } from "./core/puppet-accounts.js";
import { PuppetServerPasswords } from "./core/puppet-server-passwords.js";
import { PuppetNicks } from "./core/puppet-nicks.js";
import { RoomDirectory } from "./core/room-directory.js";
import { DEFAULT_ACCOUNT, makeAddress, parseAddress, type Address, type ProtocolId } from "./core/model/address.js";
import { offlinePresence } from "./core/model/presence.js";
import { RoomJoins } from "./core/room-joins.js";
import { KeptOwnRooms } from "./core/kept-own-rooms.js";
import { OwnRooms } from "./core/own-rooms.js";
import { RoomBans } from "./core/room-bans.js";
import { RoomDestruction } from "./core/room-destruction.js";
import { RoomSettings } from "./core/room-settings.js";
import { isRoomOwner } from "./core/room-owner.js";
import { adapterContext } from "./adapter-contexts.js";
import { accountDeletion } from "./account-deletions.js";
import { userOf } from "./core/account-deletion.js";
import { AccountSuspensions } from "./core/account-suspension.js";
import { buildAdminServices } from "./admin-services.js";
import { RoomInvitations } from "./core/room-invitations.js";
import { BridgeService } from "./core/bridges.js";
import { NameClaims } from "./core/name-claims.js";
import { AdapterRegistry } from "./core/adapter-registry.js";
import type { Logger } from "./core/logger.js";
import { FailureReports } from "./core/failure-reports.js";
import { MessageIdGenerator } from "./core/message-id.js";
import { LogRetention } from "./core/log-retention.js";
import { MucLineLog } from "./core/muc-line-log.js";
import { Outbox, type LinkedRecipientVerdict } from "./core/outbox.js";
import { PresenceHub } from "./core/presence-hub.js";
import { configuredNetworks } from "./configured-networks.js";
import { buildNetworkAdapters } from "./network-adapters.js";
import { BuddyOffers, buddyViewers } from "./core/buddy-offers.js";
import { LinkRequests } from "./core/link-requests.js";
import { CachedContactStore } from "./core/contact-cache.js";
import { BuddyListChanges } from "./core/buddy-list-changes.js";
import { WatchedContactStore } from "./core/watched-contact-store.js";
import { IdentityService } from "./core/identities.js";
import { loginLimiter } from "./core/login-limits.js";
import { PasswordLinks } from "./core/password-links.js";
import { nativeNameReservations, tellingRegistrations } from "./native-name-reservations.js";
import { RoomService } from "./core/rooms.js";
import { RoomCapacity } from "./core/room-capacity.js";
import { UserLimits } from "./core/user-limits.js";
import { Roster } from "./core/roster.js";
import { Router } from "./core/router.js";
import { Supervisor } from "./core/supervisor.js";
import { ContactInfoService } from "./core/contact-info.js";
import { Avatars } from "./core/avatars.js";
import { Blocklist } from "./core/blocklist.js";
import { SenderHosts } from "./core/sender-hosts.js";
import { gatewayPersonOf } from "./adapters/xmpp/addressing.js";
import type { SwitchboardConfig } from "./config/config-types.js";
import { createNativeAdapter, type NativeAdapter } from "./adapters/native/native-adapter.js";
import { RecentMessages } from "./core/recent-messages.js";
import { MessageCounters } from "./core/message-counters.js";
import { openSqliteStore } from "./store/sqlite/index.js";
import type { Store } from "./store/store.js";
import type { Gateway, GatewayOptions } from "./gateway-types.js";

export type { Gateway, GatewayOptions } from "./gateway-types.js";

export async function createGateway(config: SwitchboardConfig, log: Logger, options: GatewayOptions = {}): Promise<Gateway> {
  const store: Store = openSqliteStore(config.store.path, { log: log.child({ component: "store" }), messageLog: config.store.message_log });
  try {
    return await assemble(config, log, store, options);
  } catch (error: unknown) {
    await store.close();
    throw error;
  }
}

async function assemble(config: SwitchboardConfig, log: Logger, store: Store, options: GatewayOptions): Promise<Gateway> {
  const registry = new AdapterRegistry();
  // Every check of a native password counts in this one limiter: native logins and XMPP in-band registration alike.
  const logins = loginLimiter(config.native.login_attempts);
  const ids = new MessageIdGenerator(await store.log.lastId());
  const cachedContacts = new CachedContactStore(store.contacts);
  // Each change of a buddy list, whoever made it, is shown to the list's owner (native sessions: `contact` pushes).
  const listChanges: BuddyListChanges = new BuddyListChanges({
    registry,
    list: (owner) => roster.list(owner),
    personOf: (address) => identities.personOf(address),
    linkedTo: (person) => identities.linkedTo(person),
    entriesAt: (address) => cachedContacts.listByAddress(address),
    log: log.child({ component: "roster" }),
  });
  const contacts = new WatchedContactStore(cachedContacts, (owner, address, existed) => listChanges.noted(owner, address, existed));
  const identities = new IdentityService({
    store: store.identities,
    registry,
    log: log.child({ component: "identities" }),
    onChange: (person, address, linked) => {
      void router.linksChanged(person, address, linked).catch((error: unknown) => log.error({ err: error }, "link change not applied"));
      // Other users' lists that hold the person's accounts merge them anew: shown to their sessions.
      void listChanges.linkChanged(person, address, linked).catch((error: unknown) => log.error({ err: error }, "buddy lists not shown the link change"));
      void buddies.linkChanged(person, address, linked).catch((error: unknown) => log.error({ err: error }, "buddy list not offered"));
      // One of a banned person's accounts now: out of the rooms they are banned from, as the ban would have put it.
      if (linked) void roomBans.linked(person).catch((error: unknown) => log.error({ err: error }, "newly linked account of a banned person not put out"));
    },
  });
  // Native users' block lists (core/blocklist.ts): shown offline to whom they block, their presence again at unblock.
  // bob@<gateway domain> is bob himself, as her linked account hears him when he writes to its JID.
  const gatewayPerson = (address: Address): Address | undefined => (config.xmpp.component.enabled ? gatewayPersonOf(address, config.xmpp.component.domain) : undefined);
  const blockedPersons = { personOf: (address: Address) => identities.personOf(gatewayPerson(address) ?? address) ?? gatewayPerson(address), linkedTo: (person: Address) => identities.linkedTo(person) };
  // A nick someone blocked is kept among its user@host's nicks however many NICKs follow (the blocklist is made next).
  const senderHosts: SenderHosts = new SenderHosts((network: string, nick: string): boolean => blocklist.blocksNick(network, nick));
  // Her own accounts, which she cannot block: those linked to her, and her linked XMPP account's JID.
  const ownAccounts = async (owner: Address): Promise<Address[]> => {
    const linked = await store.linkedAccounts.get(owner, "xmpp");
    return [...identities.linkedTo(owner), ...(linked === undefined ? [] : [makeAddress("xmpp", DEFAULT_ACCOUNT, linked.login)])];
  };
  const blocklist: Blocklist = new Blocklist({ store: store.blocks, persons: blockedPersons, hosts: senderHosts, ownAccounts, realJidOf: (occupant) => registry.for(occupant)?.realJidOf?.(occupant), log: log.child({ component: "blocklist" }), presenceShown: async (owner, blocked, hidden) => {
    if (!(await roster.maySee(blocked, owner))) return;
    await (hidden ? registry.for(blocked)?.sendPresence(offlinePresence(owner), blocked) : presence.sendTo(presence.get(owner), blocked));
  }, ownAccountsTold: async (owner, blocked, isBlocked) => {
    if (blocked.protocol === "xmpp") for (const adapter of registry.ownedBy(owner)) await adapter.blockOnServer?.(blocked.id, isBlocked);
  } });
  await blocklist.load();
  const blocks = (owner: Address, sender: Address): boolean => blocklist.blocks(owner, sender);
  const presence = new PresenceHub(contacts, registry, log.child({ component: "presence" }), buddyViewers(identities, registry, store.buddyOffers), blocks);
  const roster = new Roster(contacts, store.sentRequests, registry, presence, log.child({ component: "roster" }), (contact, present) => {
    void buddies.contactChanged(contact, present).catch((error: unknown) => log.error({ err: error }, "buddy list change not offered"));
  }, listChanges, blocks);
  const buddies = new BuddyOffers({
    contacts,
    offers: store.buddyOffers,
    registry,
    identities,
    presence,
    maySee: (viewer, subject) => roster.maySee(viewer, subject),
    blocks,
    log: log.child({ component: "buddies" }),
  });
  const linkRequests = new LinkRequests({ registry, records: store.buddyOffers, maySee: (viewer, subject) => roster.maySee(viewer, subject), log: log.child({ component: "links" }) });
  const reservations = nativeNameReservations(store.accounts, identities, registry);
  // A place in a room is a person's (their linked accounts with them); a bridged room (an IRC channel, a bot's MUC)
  // takes none. Admins get in past the limit: `bridges`, which knows them (after a reload too), is built below and
  // asked only at joins.
  // rooms.max_members is read at each join: a reload (SIGHUP) changes it for the next (gateway-reload.ts).
  const reloaded = new ReloadedValues(config);
  const capacity = new RoomCapacity(
    {
      get maxMembers(): number {
        return reloaded.maxRoomMembers;
      },
      takesPlace: (member): boolean => !registry.relaysRooms(member),
      mayJoinFull: (member): boolean => bridges.isAdmin(member),
      personOf: (address) => identities.personOf(address),
    },
    log.child({ component: "rooms" }),
  );
  // Bans and the rooms' settings are asked at every join: `roomBans` and `roomSettings`, built below, are asked only then.
  const rooms = new RoomService(store.rooms, reservations, capacity, {
    refuse: async (room, member, password): Promise<void> => {
      await roomBans.refuse(room, member);
      await roomSettings.refuse(room, member, password);
    },
    isOwner: (room, member) => isRoomOwner(room.createdBy, member, (address) => identities.personOf(address)),
  });
  const failures = new FailureReports(store, registry, log.child({ component: "failures" }));
  const counters = new MessageCounters();
  const outbox = new Outbox(
    store,
    registry,
    log.child({ component: "outbox" }),
    {
      expireAfterMs: config.outbox.expire_after_seconds * 1000,
      retryIntervalMs: config.outbox.retry_interval_seconds * 1000,
      messageLog: config.store.message_log,
      counters,
      // The router is built below; the outbox asks it only once deliveries run.
      linkedRecipientNow: (message, recipient): LinkedRecipientVerdict => router.linkedRecipientNow(message, recipient),
      linkedRecipientFailed: (message): LinkedRecipientVerdict => router.linkedRecipientFailed(message),
      // A message still queued when its recipient blocked its sender fails as one to nobody (core/blocklist.ts).
      refusedNow: (message) => blocklist.refusedNow(message),
    },
    failures,
  );
  // Set, the credential key also seals runtime bridges' keys (core/sealed-bridges.ts); a malformed one never passes the config check.
  const credentialKey = decodeCredentialKey(config.xmpp.user_accounts.credential_key);
  const credentialBox = credentialKey && new CredentialBox(credentialKey);
  // Rooms reached through people's own accounts (core/own-rooms.ts), kept for the next start with their passwords sealed.
  const keptOwnRooms = new KeptOwnRooms(store.ownRooms, credentialBox, log.child({ component: "own-rooms" }));
  const ownRooms = new OwnRooms(registry, keptOwnRooms);
  const router = new Router({
    registry,
    outbox,
    failures,
    presence,
    roster,
    ids,
    history: store.log,
    ...(config.store.message_log ? {} : { recent: new RecentMessages() }),
    rooms,
    identities,
    deliverToLinked: config.identities.deliver_to,
    buddies,
    linkRequests,
    counters,
    blocks: blocklist,
    ownRoomLeft: (room, member) => ownRooms.left(room, member),
    // A room reached through someone's own account is moderated on that account, never through the gateway.
    moderator: async (room, by): Promise<string> => {
      if (ownRooms.ownerOf(room) !== undefined) throw new GatewayError("GW_ERR_FORBIDDEN", "a room joined through your own account is moderated there");
      return (await roomJoins.moderation(room, by)).shownAs;
    },
    log: log.child({ component: "router" }),
  });
  // The networks of the configuration file, with the channels and MUCs `bridges:` adds to them, and all of those
  // as the file's bridges; runtime bridges come from the store (core/bridges.ts).
  const configured = configuredNetworks(config);
  // Puppets' nicks and other names people go by on a network: loaded before any adapter makes one.
  const names = new NameClaims(store.names);
  await names.load();
  // People's own IRC services accounts for their puppets (core/puppet-accounts.ts), sealed with the same key.
  const puppetAccounts = new PuppetAccounts({ box: credentialBox, store: store.puppetAccounts, registry, log: log.child({ component: "puppet-accounts" }) });
  // People's own server passwords for IRC servers on demand (core/puppet-server-passwords.ts), sealed likewise.
  const puppetServerPasswords = new PuppetServerPasswords({ box: credentialBox, store: store.puppetServerPasswords, registry, log: log.child({ component: "puppet-server-passwords" }) });
  // People's own choice of nick for their puppets (core/puppet-nicks.ts).
  const puppetNicks = new PuppetNicks({ registry, names, log: log.child({ component: "puppet-nicks" }) });
  const roomDirectory = new RoomDirectory({ registry, log: log.child({ component: "room-directory" }) }); // networks' channel lists
  // Aborted as the gateway stops: adapters' contexts, and the bridges still restored in the background.
  const lifetime = new AbortController();
  const bridges = new BridgeService({
    store: sealedBridgeStore(store.bridges, credentialBox, log.child({ component: "bridges" })),
    registry,
    rooms,
    admins: config.admins.map((admin) => parseAddress(admin)),
    configured: configured.bridges,
    joinRoom: (room, member) => router.joinRoom(room, member),
    leaveRoom: (room, member) => router.leaveRoom(room, member),
    peopleLeft: (room, people) => router.relayedPeopleLeft(room, people),
    failQueued: (remote, error) => outbox.failQueued(remote, error),
    signal: lifetime.signal,
    log: log.child({ component: "bridges" }),
  });
  // Adapters join rooms by their own address: a bridged room of another network (an IRC channel) at its hub.
  const roomJoins = new RoomJoins({
    registry,
    bridges,
    joinRoom: (room, member, options) => router.joinRoom(room, member, options),
    leaveRoom: (room, member, removal) => router.leaveRoom(room, member, removal),
    renameMember: (room, member, nick) => router.renameMember(room, member, nick),
    members: async (room) => ((await rooms.exists(room)) ? rooms.members(room) : []),
    ownerOf: async (room) => ((await rooms.exists(room)) ? (await rooms.get(room)).createdBy : undefined),
    peopleShown: (room, people) => router.peopleShown(room, people),
    personOf: (address) => identities.personOf(address),
    disallow: (hub, target) => roomSettings.disallow(hub, target),
  });
  const roomSettings = new RoomSettings({ store: store.roomSettings, rooms, isAdmin: (address) => bridges.isAdmin(address), relaysRooms: (address) => registry.relaysRooms(address), identities });
  const roomDestruction = new RoomDestruction({ rooms, settings: roomSettings, registry, bridges, log: log.child({ component: "rooms" }) });
  const roomBans = new RoomBans({ store: store.roomBans, rooms, joins: roomJoins, bridges, registry, identities, disallow: (hub, target) => roomSettings.disallow(hub, target) });
  // rooms.invitations_per_hour is read at each invitation: a reload (SIGHUP) changes it for the next.
  const invitations = new RoomInvitations({
    rooms,
    registry,
    hubOf: (remote) => bridges.hubOf(remote),
    perHour: () => reloaded.invitationsPerHour,
    settings: roomSettings,
    blocks,
    log: log.child({ component: "invitations" }),
  });
  const roomArchive = roomArchiveOf(store.log);
  const mucLines = new MucLineLog(store.mucLineIds, log.child({ component: "muc-lines" }));
  const supervisor = new Supervisor(log.child({ component: "supervisor" }));
  // The status, announcements, the message of the day and the metrics (admin-services.ts).
  const isAdmin = (address: Address): boolean => bridges.isAdmin(address);
  const { status, announcements, messageOfTheDay, metrics } = await buildAdminServices({ config, store, registry, supervisor, isAdmin, counters, version: options.version, log });
  // store.message_log_max_age_days is read at each pass: a reload (SIGHUP) changes it, and prunes at once.
  const retention = new LogRetention({ log: store.log, mucLineIds: store.mucLineIds, maxAgeDays: () => reloaded.maxLogAgeDays, counters, logger: log.child({ component: "retention" }) });

  // "Who is this?" (native contact.info, XMPP vCards of gateway JIDs): limited per asker, bounded in time.
  const contactInfo = new ContactInfoService({ registry, checkOwnership: (a, b) => router.checkOwnership(a, b), personOf: (address) => identities.personOf(address) });
  // Native users' avatars: a change sends her presence again, which carries the hash (core/avatars.ts).
  const avatars = new Avatars({ store: store.avatars, log: log.child({ component: "avatars" }), announce: (owner) => presence.resend(owner) });
  await avatars.load();
  // Links by password (XMPP in-band registration), checked in the one limiter of failed logins.
  const passwordLinks = new PasswordLinks({ accounts: store.accounts, identities, limiter: logins, log: log.child({ component: "identities" }) });
  const contextFor = (protocol: ProtocolId, account: string, adapterRef: () => Adapter | undefined): AdapterContext =>
    adapterContext(
      // `deletion` is made below, from the linked accounts, which need contexts themselves: asked for when used.
      { config, log, signal: lifetime.signal, store, router, roomJoins, ownRooms, roomBans, roomSettings, roomDestruction, invitations, roomArchive, mucLines, senderHosts, blocklist, names, bridges, status, identities, passwordLinks, puppetAccounts, puppetNicks, puppetServerPasswords, roomDirectory, supervisor, contactInfo, avatars, deletion: () => deletion, suspensions: () => suspensions, announcements, messageOfTheDay },
      protocol,
      account,
      adapterRef,
    );

  // Linked accounts: each native user's own XMPP account (linked-account-adapters.ts).
  const links = buildLinkedAccounts({ config, credentialBox, store, contacts, registry, supervisor, keptOwnRooms, contextFor, log });

  // native.limits (core/user-limits.ts), changed by a reload. IRC has no consent: a request there only watches the nick.
  const limits = new UserLimits(userLimitValues(config), {
    unlimitedRooms: (user) => bridges.isAdmin(user),
    asksPerson: (address) => address.protocol !== "irc",
    maySee: (viewer, subject) => roster.maySee(viewer, subject),
  });
  // Accounts deleted by their users or by admins; a deletion a crash cut short is finished before the adapters start.
  const deletion = accountDeletion({ store, registry, bridges, outbox, links, identities, puppetAccounts, rooms, router, contacts: cachedContacts, roster, names, reservations, avatars, blocklist, log });
  // Accounts disabled and enabled again by admins: kept whole, kept out.
  const suspensions = new AccountSuspensions({ accounts: store.accounts, registry, isAdmin: (address) => bridges.isAdmin(address), linkedAccounts: links, log: log.child({ component: "accounts" }) });
  let native: NativeAdapter | undefined;
  if (config.native.enabled) {
    // A name registered is the user's in every room from now on: whoever of a bridged room goes by it is shown as name%network.
    const accounts = tellingRegistrations(store.accounts, (name) => {
      reservations.registered(name);
      for (const adapter of registry.all()) adapter.personRegistered?.(userOf(name));
      void router.nameRegistered(name).catch((error: unknown) => log.warn({ err: error }, "names shown in rooms not reconsidered"));
    });
    const services = { accounts, roster, rooms, history: store.log, links, identities, puppetAccounts, puppetNicks, puppetServerPasswords, limits, invitations, deletion, suspensions, avatars, blocklist, loginLimiter: logins };
    const created = createNativeAdapter(config.native, services, contextFor("native", "default", () => native), {
      drainTimeoutMs: config.shutdown.drain_timeout_ms,
    });
    native = created;
    registry.register(created);
    supervisor.add(created);
  }

  // The component, the bridge bots and the IRC networks, configured and on demand (network-adapters.ts).
  const { onDemand } = await buildNetworkAdapters({ config, configured, rooms, registry, supervisor, contextFor, identities, store, credentialBox, log });

  // Before the linked accounts log in: a deleted account's own XMPP account must not come back even for a moment.
  await deletion.resume();
  await links.restore();
  // Keys stored in clear before the operator set a credential key are sealed now, before the bridges are read.
  if (credentialBox) await sealClearBridgeKeys(store.bridges, credentialBox, log.child({ component: "bridges" }));
  await bridges.restore();

  let stopped: Promise<void> | undefined;
  return {
    async start() {
      await identities.start();
      await outbox.start();
      await supervisor.startAll();
      await metrics?.start();
      // Not awaited: a first pass over a long log runs in batches beside the traffic.
      retention.start();
    },
    stop(reason = "shutdown") {
      stopped ??= (async () => {
        router.close();
        onDemand.close();
        lifetime.abort();
        await metrics?.stop();
        await supervisor.stopAll(reason);
        await outbox.stop();
        await mucLines.drain();
        await retention.stop();
        await store.close();
      })();
      return stopped;
    },
    nativePort: () => native?.listeningPort,
    reload(file) {
      return reloadGateway(file, { config, configured, values: reloaded, limits, retention, bridges, supervisor, log });
    },
  };
}
