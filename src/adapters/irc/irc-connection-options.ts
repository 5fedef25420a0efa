/**
 * What an IrcConnection is made from, checked once, and the irc-framework Client options built from it.
 *
 * irc-framework's defaults that the gateway must not keep (node_modules/irc-framework/src/client.js,
 * src/commands/handlers/registration.js and messaging.js):
 *   auto_reconnect: true          its own reconnect loop; the supervisor is the only one (STYLE.md habit 5)
 *   version: "node.js irc-framework"   answers CTCP VERSION itself, past flood control; "" hands the query to us
 *   no `account` + a `password`   SASL PLAIN with the nick and the SERVER password; `account: {}` stops that
 *   sasl_disconnect_on_fail: false    goes on unauthenticated after a SASL failure (irc-registration.ts decides)
 */
import type { ClientOptions, IrcFrameworkTransportConstructor } from "irc-framework";
import type { Logger } from "../../core/logger.js";
import { isSupportedEncoding } from "./encoding.js";
import type { IrcLine } from "./irc-line.js";
import type { IrcTlsOptions } from "./irc-transport.js";
import { findUnsafeChar } from "./line-safety.js";
import type { Clock, Schedule } from "./token-bucket.js";

export interface IrcConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly tls?: IrcTlsOptions;
  /** Server password (PASS). */
  readonly password?: string;
  readonly sasl?: { readonly mechanism: "PLAIN"; readonly username: string; readonly password: string } | { readonly mechanism: "EXTERNAL" };
  readonly nick: string;
  readonly username: string;
  readonly realname: string;
  /** WEBIRC before registration: the host and IP the server is to show for this connection (puppet-identity.ts). */
  readonly webirc?: { readonly password: string; readonly gateway: string; readonly host: string; readonly ip: string };
  /** For incoming lines that are not valid UTF-8 (encoding.ts decodeIrcBytes). */
  readonly fallbackEncoding: string;
  readonly flood: { readonly burst: number; readonly linesPerSecond: number };
  /** False for a puppet: other people's channel PRIVMSGs and NOTICEs are dropped unread (channel-chatter.ts). */
  readonly channelChatter?: boolean;
  /** Caps requested when offered: only these, plus "sasl" when SASL is configured. */
  readonly caps?: readonly string[];
  /** Bound on TCP connect, TLS handshake and registration together. */
  readonly connectTimeoutMs: number;
  /** Nicks tried at registration, the configured one included (nicks.ts nextNickCandidate); 10 by default. */
  readonly maxNickAttempts?: number;
  readonly log: Logger;
  /** irc-framework PINGs the server this long after the last PONG; 30 by default. */
  readonly pingIntervalSeconds?: number;
  /** The connection closes ("ping timeout") after this long without any line from the server; 90 by default. */
  readonly pingTimeoutSeconds?: number;
  /** send() throws GW_ERR_RATE_LIMITED when this many lines wait for flood control; 5000 by default. */
  readonly maxPendingLines?: number;
  /** The flood control's clock and timer (tests inject them); Date.now and setTimeout by default. */
  readonly clock?: Clock;
  readonly schedule?: Schedule;
}

export const DEFAULT_PING_INTERVAL_SECONDS = 30;
export const DEFAULT_PING_TIMEOUT_SECONDS = 90;
export const DEFAULT_MAX_PENDING_LINES = 5000;

const WORD = /^[^\s:]\S*$/;

/** Why the options cannot make a connection (for GW_ERR_CONFIG), or undefined. */
export function optionsProblem(options: IrcConnectionOptions): string | undefined {
  if (!WORD.test(options.nick) || findUnsafeChar(options.nick) >= 0) return `the IRC nick "${options.nick}" is empty or holds a space, a control character or a leading ":"`;
  if (!WORD.test(options.username) || findUnsafeChar(options.username) >= 0) return `the IRC user name "${options.username}" is empty or holds a space, a control character or a leading ":"`;
  if (options.realname === "" || findUnsafeChar(options.realname) >= 0) return "the IRC real name is empty or holds CR, LF or NUL";
  if (options.password !== undefined && (options.password === "" || findUnsafeChar(options.password) >= 0)) return "the IRC server password is empty or holds CR, LF or NUL";
  if (options.sasl?.mechanism === "PLAIN" && (options.sasl.username === "" || (options.sasl.username + options.sasl.password).includes("\0"))) {
    return "the SASL PLAIN user name is empty, or a credential holds NUL";
  }
  const webirc = options.webirc;
  if (webirc !== undefined && ![webirc.password, webirc.gateway, webirc.host, webirc.ip].every((word) => WORD.test(word) && findUnsafeChar(word) < 0)) {
    return "a WEBIRC password, gateway name, host or IP is empty or holds a space, a control character or a leading \":\"";
  }
  if ((options.tls?.cert === undefined) !== (options.tls?.key === undefined)) return "a TLS client certificate needs its key, and a key its certificate";
  if (!isSupportedEncoding(options.fallbackEncoding)) return `"${options.fallbackEncoding}" is not a usable IRC fallback encoding`;
  if (!(options.flood.burst >= 1) || !(options.flood.linesPerSecond > 0)) return "IRC flood control needs a burst of at least 1 and more than 0 lines per second";
  if (!(options.connectTimeoutMs > 0)) return "the IRC connect timeout must be more than 0 ms";
  if (options.maxNickAttempts !== undefined && !(Number.isInteger(options.maxNickAttempts) && options.maxNickAttempts >= 1)) return "maxNickAttempts must be a positive integer";
  const badCap = options.caps?.find((cap) => !/^[^\s=]+$/.test(cap));
  if (badCap !== undefined) return `"${badCap}" is not a capability name`;
  return undefined;
}

/** The caps to request (see IrcConnectionOptions.caps). */
export function wantedCaps(options: IrcConnectionOptions): ReadonlySet<string> {
  return new Set([...(options.caps ?? []).filter((cap) => cap !== "sasl"), ...(options.sasl ? ["sasl"] : [])]);
}

/**
 * CAP LS / NEW as irc-framework's handler reads them: only the caps we want, so that it requests no others
 * (`frameworkParams` is changed in place). False for a CAP NEW with nothing we want, which irc-framework would
 * answer with an empty CAP REQ: that line is not passed on.
 */
export function narrowOfferedCaps(wanted: ReadonlySet<string>, line: IrcLine, frameworkParams: string[]): boolean {
  const sub = line.params[1];
  if ((sub !== "LS" && sub !== "NEW") || frameworkParams.length === 0) return true;
  const last = frameworkParams.length - 1;
  const kept = (frameworkParams[last] ?? "").split(" ").filter((token) => wanted.has(token.split("=")[0] ?? ""));
  frameworkParams[last] = kept.join(" ");
  return sub === "LS" || kept.length > 0;
}

/** The irc-framework Client options (see the header for the defaults overridden). */
export function frameworkOptions(options: IrcConnectionOptions, transport: IrcFrameworkTransportConstructor): ClientOptions {
  const { sasl } = options;
  return {
    host: options.host,
    port: options.port,
    nick: options.nick,
    username: options.username,
    gecos: options.realname,
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.webirc === undefined ? {} : { webirc: { password: options.webirc.password, username: options.webirc.gateway, hostname: options.webirc.host, address: options.webirc.ip } }),
    account: sasl?.mechanism === "PLAIN" ? { account: sasl.username, password: sasl.password } : {},
    ...(sasl === undefined ? {} : { sasl_mechanism: sasl.mechanism }),
    sasl_disconnect_on_fail: false,
    encoding: "utf8",
    version: "",
    enable_chghost: false,
    enable_setname: false,
    enable_echomessage: false,
    auto_reconnect: false,
    auto_reconnect_max_retries: 0,
    ping_interval: options.pingIntervalSeconds ?? DEFAULT_PING_INTERVAL_SECONDS,
    ping_timeout: options.pingTimeoutSeconds ?? DEFAULT_PING_TIMEOUT_SECONDS,
    transport,
  };
}
