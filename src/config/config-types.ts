/**
 * The shape of a loaded configuration, after defaults: every key is present.
 *
 * config/switchboard.schema.json is the contract; this type is written by hand beside it because the schema is
 * read at run time (it lives outside src/, and a JSON import widens its enums to string, which
 * JSONSchemaType<T> rejects). test/unit/config/load-config.test.ts binds the two: it checks that the defaults of
 * an empty document equal a value of this type key for key, and that the enums below equal the schema's.
 */
import type { LogLevel } from "../core/logger.js";
import type { RelayFormat } from "../core/relay-format.js";

export type { LogLevel } from "../core/logger.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const satisfies readonly LogLevel[];
export const STORE_DRIVERS = ["sqlite"] as const;
export const REGISTRATION_MODES = ["open", "closed"] as const;

export type StoreDriver = (typeof STORE_DRIVERS)[number];
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

export interface LogConfig {
  readonly level: LogLevel;
}

export interface StoreConfig {
  readonly driver: StoreDriver;
  /** Relative to the working directory of the process. */
  readonly path: string;
  /** false: messages are stored only while deliveries wait in the outbox; history is empty (docs/store.md). */
  readonly message_log: boolean;
  /** Messages older than this many days leave the log (core/log-retention.ts); 0 keeps everything. Reloadable. */
  readonly message_log_max_age_days: number;
}

export interface RateLimitConfig {
  readonly frames_per_second: number;
  readonly burst: number;
}

export interface LoginAttemptsConfig {
  readonly max: number;
  readonly window_seconds: number;
}

export interface NativeConfig {
  readonly enabled: boolean;
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly max_frame_bytes: number;
  readonly rate_limit: RateLimitConfig;
  readonly registration: RegistrationMode;
  readonly login_attempts: LoginAttemptsConfig;
  /** 0 disables pings. */
  readonly ping_interval_seconds: number;
  readonly max_connections: number;
  /** Reverse proxies whose X-Forwarded-For is believed (native/client-remote.ts). */
  readonly trusted_proxies: readonly string[];
  /** Browser origins (scheme://host[:port]) whose pages may connect; a connection with any other Origin is refused. */
  readonly allowed_origins: readonly string[];
  /** Accounts one (non-loopback) address may register in an hour; 0 for no limit. */
  readonly registrations_per_hour: number;
  readonly limits: UserLimitsConfig;
}

/** What one native user may keep and ask for (core/user-limits.ts). */
export interface UserLimitsConfig {
  /** Entries of the user's buddy list. */
  readonly contacts: number;
  /** Rooms the user created that still exist; admins are not limited. */
  readonly rooms_created: number;
  /** Subscription requests that ask someone, within an hour. */
  readonly contact_requests_per_hour: number;
}

export interface OutboxConfig {
  readonly expire_after_seconds: number;
  readonly retry_interval_seconds: number;
}

export interface ShutdownConfig {
  readonly drain_timeout_ms: number;
}

/** The Prometheus text endpoint (GET /metrics), off by default. */
export interface MetricsConfig {
  readonly enabled: boolean;
  readonly host: string;
  readonly port: number;
}

export interface XmppComponentConfig {
  readonly enabled: boolean;
  readonly domain: string;
  readonly host: string;
  readonly port: number;
  /** Required (non-empty) when enabled: checked by cross-checks.ts. */
  readonly secret: string;
  readonly name: string;
  /** Whose direct messages are accepted: contacts only (a subscription either way) or anyone. */
  readonly messages_from: "contacts" | "anyone";
  /** The last room messages a joining XMPP user gets (XEP-0045 section 7.2.15); 0 none. */
  readonly room_history: number;
  /** In-band registration with the domain (XEP-0077): a JID linked to an existing native account by its password. */
  readonly registration: boolean;
}

export interface XmppBotRoomConfig {
  readonly muc: string;
  readonly nick: string;
  readonly room: string;
  /** Relay this MUC's joins and leaves (and the bot's membership.relay must be on too). */
  readonly membership: boolean;
  /** The MUC's password (XEP-0045 7.2.6), "" for none. */
  readonly password: string;
}

export interface XmppBotConfig {
  readonly account: string;
  readonly jid: string;
  readonly password: string;
  readonly service: string;
  /** How others' messages are written in the bot's MUCs (core/relay-format.ts); {name} checked by cross-checks.ts. */
  readonly relay_format: RelayFormat;
  readonly rooms: readonly XmppBotRoomConfig[];
  readonly membership: MembershipRelayConfig;
}

export interface XmppUserAccountsConfig {
  readonly enabled: boolean;
  /** 32 bytes as 64 hex digits or base64; required (and checked) when enabled by cross-checks.ts. */
  readonly credential_key: string;
  /** Hosts on loopback or private networks that linked accounts may connect to (adapters/xmpp/service-host.ts). */
  readonly internal_hosts: readonly string[];
}

export interface XmppConfig {
  readonly component: XmppComponentConfig;
  readonly bots: readonly XmppBotConfig[];
  readonly user_accounts: XmppUserAccountsConfig;
}

export interface IrcTlsConfig {
  /** TLS from the first byte (usually port 6697). */
  readonly enabled: boolean;
  /** Verify the server's certificate and name; false accepts any certificate (an explicit operator choice). */
  readonly verify: boolean;
  /** PEM file of the CA (or the self-signed certificate) to trust instead of the system's CAs; "" for the system's. */
  readonly ca_file: string;
  /** PEM client certificate and key for the gateway's own connection (SASL EXTERNAL, CertFP); "" for none. Both or neither (cross-checks.ts). */
  readonly client_cert_file: string;
  readonly client_key_file: string;
}

export interface IrcSaslConfig {
  /** SASL for the gateway's own connection; "none" skips SASL. Cross-checked: PLAIN needs a password, EXTERNAL a client certificate. */
  readonly mechanism: "none" | "PLAIN" | "EXTERNAL";
  /** PLAIN account name; "" uses the nick. */
  readonly username: string;
  readonly password: string;
}

export interface IrcChannelConfig {
  /** The IRC channel, with its prefix ("#dev"); listed once per network, compared case-insensitively (cross-checks.ts). */
  readonly channel: string;
  /** The native room it is bridged to, created when missing; bridged once per network (cross-checks.ts). */
  readonly room: string;
  /** Channel key (+k); "" for none. */
  readonly key: string;
  /** Relay this channel's joins and leaves (and the network's membership.relay must be on too). */
  readonly membership: boolean;
}

export interface IrcPuppetConfig {
  /** Nick of a person's puppet: "{name}" is replaced by their name (characters not allowed in nicks mapped). */
  readonly nick_template: string;
  /** A puppet with no traffic for this long quits; it comes back on demand. 0 keeps puppets forever. */
  readonly idle_timeout_seconds: number;
  /** Most puppet connections at once on this network (its per-host limit, minus the gateway's own connection). */
  readonly max_connections: number;
  /** Least time between two puppet connects, so that many puppets (after a restart) do not connect in a storm. */
  readonly connect_interval_ms: number;
}

/** Joins and leaves in the bridged channels or MUCs (util/flap-damper.ts). */
export interface MembershipRelayConfig {
  /** Relay them to the bridged native rooms at all. */
  readonly relay: boolean;
  /** A leave is relayed after this long unless the nick rejoins; a flapping nick's changes wait until it was stable this long. */
  readonly leave_hold_seconds: number;
  /** More than this many joins and leaves of a nick in a channel within flap_window_seconds make it flapping. */
  readonly flap_changes: number;
  readonly flap_window_seconds: number;
}

export interface IrcFloodConfig {
  /** Lines that may be sent at once per connection. */
  readonly burst: number;
  /** Lines per second per connection after the burst. */
  readonly lines_per_second: number;
}

export interface IrcNetworkConfig {
  /** The network's name in addresses: irc://<name>/<nick or channel>. Unique, compared case-insensitively (cross-checks.ts). */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly tls: IrcTlsConfig;
  /** Server password (PASS); "" for none. Also sent by puppets. */
  readonly password: string;
  readonly sasl: IrcSaslConfig;
  /** Nick, user name and real name of the gateway's own connection (it listens, relays in relay mode, watches contacts). */
  readonly nick: string;
  readonly username: string;
  readonly realname: string;
  /** "puppets": every person who takes part gets their own IRC connection; "relay": one connection prefixes lines with <name>. */
  readonly mode: "puppets" | "relay";
  readonly puppets: IrcPuppetConfig;
  readonly channels: readonly IrcChannelConfig[];
  /** Encoding for incoming lines that are not valid UTF-8 (a WHATWG label: windows-1252, iso-8859-15, koi8-r...); checked by irc-rules.ts. */
  readonly encoding_fallback: string;
  readonly flood: IrcFloodConfig;
  /** Most IRC lines one message becomes (after splitting long lines); the rest is cut, ending with a marker. */
  readonly max_lines_per_message: number;
  /** How others' messages are written by the gateway's connection in relay mode (core/relay-format.ts). */
  readonly relay_format: RelayFormat;
  /** Reactions (XEP-0444 and the like), which IRC lacks: "text" says what one adds as its sender's action line, "off" nothing. */
  readonly reactions: "text" | "off";
  /**
   * Nicks whose channel lines are not relayed, as patterns with `*` and `?` (ASCII case-insensitive): other
   * bridges' bots and puppets, so that two bridges over one channel cannot relay each other's lines in a loop.
   * Lines from nicks that fit this network's own puppet template are never relayed either.
   */
  readonly ignore_nicks: readonly string[];
  /** How often contacts' online and away status is refreshed where the server cannot push it (ISON, WHO). */
  readonly presence_poll_seconds: number;
  /** An IRC contact seen offline is shown offline only after this long, unless seen online again meanwhile (util/flap-damper.ts). */
  readonly presence_hold_seconds: number;
  /** A quit with a netsplit reason is held this long, and dropped if the nick is back meanwhile (netsplit-damper.ts); 0: not held. */
  readonly netsplit_hold_seconds: number;
  /** XMPP users may join any channel as a MUC on the gateway domain, bridged while one of them is in it (core/bridges.ts). */
  readonly open_channels: boolean;
  /** Who may have a channel joined on demand: address patterns with `*` and `?` (`native:*`, `xmpp:*@example.org`). */
  readonly open_channels_for: readonly string[];
  /** The most channels joined on demand at once. */
  readonly open_channels_max: number;
  /**
   * Links of nicks bound to their services account (docs/bridging.md): when_logged_in binds when the nick is
   * logged in at link time, required refuses a nick that is not, off links nicks alone.
   */
  readonly link_accounts: "when_logged_in" | "required" | "off";
  readonly membership: MembershipRelayConfig;
  /** Give up a connection attempt (TCP, TLS, registration) after this long. */
  readonly connect_timeout_seconds: number;
  /** WEBIRC for puppets (adapters/irc/puppet-identity.ts); off while its password is "". */
  readonly webirc: IrcWebircConfig;
}

/** A network's WEBIRC block for the gateway: each puppet shows a host and IP of its own (docs/irc.md). */
export interface IrcWebircConfig {
  /** A secret (from the environment, ${NAME}); "": WEBIRC off. */
  readonly password: string;
  /** The gateway name the server's block expects. */
  readonly gateway: string;
  /** An IPv6 prefix of /64 or shorter, checked by cross-checks.ts when the password is set. */
  readonly ipv6_prefix: string;
  /** "" for none: the host is then the IP. */
  readonly host_suffix: string;
}

/** TLS to servers on demand: no client certificate (the gateway has no account there). */
export interface IrcOnDemandTlsConfig {
  readonly enabled: boolean;
  readonly verify: boolean;
  readonly ca_file: string;
}

/** IRC servers reached on demand by host name (irc.servers_on_demand, src/irc-servers-on-demand.ts). */
export interface IrcServersOnDemandConfig {
  readonly enabled: boolean;
  /** Host patterns with `*` and `?` (config/host-patterns.ts); at least one when enabled (cross-checks.ts). */
  readonly allow: readonly string[];
  readonly deny: readonly string[];
  /** Hosts on loopback or private networks that may be reached (util/internal-hosts.ts); others there are refused. */
  readonly internal_hosts: readonly string[];
  /** Tried in order at a server's first connection. */
  readonly ports: readonly number[];
  readonly tls: IrcOnDemandTlsConfig;
  /** The gateway's own nick on each of them. */
  readonly nick: string;
  readonly puppets: IrcPuppetConfig;
  readonly open_channels_for: readonly string[];
  readonly open_channels_max: number;
  /** Connected at once, gateway-wide. */
  readonly max_servers: number;
  /** Connected at once that one person had connected. */
  readonly max_servers_per_person: number;
  /** Unused (no channel, no puppet, nothing queued) this long: disconnected. */
  readonly idle_seconds: number;
  /** WEBIRC for puppets on every server on demand; off while its password is "". */
  readonly webirc: IrcWebircConfig;
}

export interface IrcConfig {
  readonly networks: readonly IrcNetworkConfig[];
  readonly servers_on_demand: IrcServersOnDemandConfig;
}

export interface BridgeConfig {
  /** The native room at the hub of the bridge (native:#<room>), also #<room>@<gateway domain> on XMPP. */
  readonly room: string;
  /**
   * The rooms of other networks in the bridge, as addresses: irc://<network>/#<channel> (a channel of a
   * configured IRC network) and xmpp://<bot account>/<MUC JID> (a MUC joined by a configured bridge bot).
   */
  readonly with: readonly string[];
  /** The bridge bots' nick in the bridge's MUCs. */
  readonly nick: string;
  /** Relay joins and leaves in the bridge's channels and MUCs (where their network or bot relays them at all). */
  readonly membership: boolean;
}

export interface IdentitiesConfig {
  /** Where a direct message to a person with linked accounts goes (docs/bridging.md, "Linking accounts"). */
  readonly deliver_to: "most_available" | "all" | "native";
}

/** The rooms hosted by the gateway (core/room-capacity.ts). */
export interface RoomsConfig {
  /** The most members a room takes, bridged rooms (and the people they stand for) not counted. */
  readonly max_members: number;
  /** Invitations into rooms one person may make in an hour (core/room-invitations.ts). */
  readonly invitations_per_hour: number;
}

export interface SwitchboardConfig {
  readonly log: LogConfig;
  readonly store: StoreConfig;
  readonly native: NativeConfig;
  readonly outbox: OutboxConfig;
  readonly shutdown: ShutdownConfig;
  readonly metrics: MetricsConfig;
  readonly identities: IdentitiesConfig;
  readonly rooms: RoomsConfig;
  /** Who may administer bridges at runtime: native:<user> and xmpp:<bare JID> addresses. */
  readonly admins: readonly string[];
  readonly bridges: readonly BridgeConfig[];
  readonly xmpp: XmppConfig;
  readonly irc: IrcConfig;
}

/** One thing wrong with a configuration, located in its YAML text when it can be. */
export interface ConfigProblem {
  /** Dotted key path (`native.rate_limit.burst`); "" for the document as a whole. */
  readonly path: string;
  /** 1-based. */
  readonly line?: number;
  /** 1-based. */
  readonly column?: number;
  /** What was expected, written for an operator. */
  readonly message: string;
}
