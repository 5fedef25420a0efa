/**
 * The options of a connection to a configured IRC network: the gateway's own (with the network's SASL and TLS
 * client certificate) or a puppet's (neither: a puppet is nobody's account). Certificates are read from their
 * files at each connect, so a renewed file is used without a restart.
 */
import { readFileSync } from "node:fs";
import type { Logger } from "../../core/logger.js";
import type { IrcNetworkConfig } from "../../config/config-types.js";
import type { IrcConnectionOptions } from "./irc-connection.js";

/**
 * The IRCv3 capabilities asked for when the server offers them. account-tag puts the sender's services account on
 * each line (https://ircv3.net/specs/extensions/account-tag), which tells a line's sender apart from whoever holds
 * their nick later (line-senders.ts, failure-notices.ts). batch lets a server mark the channel history it replays
 * at a join as such (a `chathistory` batch), which is then not relayed (join-replays.ts); InspIRCd then also leaves
 * out its "Replaying up to N lines" NOTICE.
 */
export const NETWORK_CAPS = ["away-notify", "extended-monitor", "server-time", "multi-prefix", "cap-notify", "echo-message", "account-notify", "extended-join", "account-tag", "batch"];

export interface ConnectionIdentity {
  readonly nick: string;
  readonly username: string;
  readonly realname: string;
  /** The gateway's own connection (SASL, client certificate), not a puppet's. */
  readonly own: boolean;
}

export function networkConnectionOptions(config: IrcNetworkConfig, identity: ConnectionIdentity, log: Logger): IrcConnectionOptions {
  const { nick, username, realname, own } = identity;
  const tls = config.tls;
  const read = (file: string): string | undefined => (file === "" ? undefined : readFileSync(file, "utf8"));
  const ca = read(tls.ca_file);
  const cert = own ? read(tls.client_cert_file) : undefined;
  const key = own ? read(tls.client_key_file) : undefined;
  const sasl = config.sasl;
  return {
    host: config.host,
    port: config.port,
    ...(tls.enabled ? { tls: { verify: tls.verify, ...(ca === undefined ? {} : { ca }), ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }) } } : {}),
    ...(config.password === "" ? {} : { password: config.password }),
    ...(own && sasl.mechanism === "PLAIN" ? { sasl: { mechanism: "PLAIN" as const, username: sasl.username || nick, password: sasl.password } } : {}),
    ...(own && sasl.mechanism === "EXTERNAL" ? { sasl: { mechanism: "EXTERNAL" as const } } : {}),
    nick,
    username,
    realname,
    fallbackEncoding: config.encoding_fallback,
    flood: { burst: config.flood.burst, linesPerSecond: config.flood.lines_per_second },
    caps: NETWORK_CAPS,
    // A puppet only speaks in the channels; the gateway's own connection reads them.
    ...(own ? {} : { channelChatter: false }),
    connectTimeoutMs: config.connect_timeout_seconds * 1000,
    log,
  };
}
