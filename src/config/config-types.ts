/**
 * The shape of a loaded configuration, after defaults: every key is present.
 *
 * config/switchboard.schema.json is the contract; this type is written by hand beside it because the schema is
 * read at run time (it lives outside src/, and a JSON import widens its enums to string, which
 * JSONSchemaType<T> rejects). test/unit/config/load-config.test.ts binds the two: it checks that the defaults of
 * an empty document equal a value of this type key for key, and that the enums below equal the schema's.
 */
import type { LogLevel } from "../core/logger.js";

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
}

export interface OutboxConfig {
  readonly expire_after_seconds: number;
  readonly retry_interval_seconds: number;
}

export interface ShutdownConfig {
  readonly drain_timeout_ms: number;
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
}

export interface XmppBotRoomConfig {
  readonly muc: string;
  readonly nick: string;
  readonly room: string;
}

export interface XmppBotConfig {
  readonly account: string;
  readonly jid: string;
  readonly password: string;
  readonly service: string;
  readonly rooms: readonly XmppBotRoomConfig[];
}

export interface XmppUserAccountsConfig {
  readonly enabled: boolean;
  /** 32 bytes as 64 hex digits or base64; required (and checked) when enabled by cross-checks.ts. */
  readonly credential_key: string;
}

export interface XmppConfig {
  readonly component: XmppComponentConfig;
  readonly bots: readonly XmppBotConfig[];
  readonly user_accounts: XmppUserAccountsConfig;
}

export interface SwitchboardConfig {
  readonly log: LogConfig;
  readonly store: StoreConfig;
  readonly native: NativeConfig;
  readonly outbox: OutboxConfig;
  readonly shutdown: ShutdownConfig;
  readonly xmpp: XmppConfig;
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
