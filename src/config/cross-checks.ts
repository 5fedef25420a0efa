/**
 * Rules that tie keys together, which JSON Schema can say only awkwardly (and ajv then words for schema
 * authors): checked after the schema, on data that already has its defaults.
 */
import { decodeCredentialKey } from "../core/credential-box.js";
import { resolveBridges } from "./bridges.js";
import type { RelayFormat } from "../core/relay-format.js";
import type { IrcNetworkConfig, IrcWebircConfig, SwitchboardConfig } from "./config-types.js";
import { foldAscii, nickTemplateProblem, usableFallbackEncoding } from "./irc-rules.js";
import type { UnplacedProblem } from "./problems.js";
import { isLoopbackHost } from "../util/loopback.js";
import { parseIpv6Prefix } from "../util/ipv6-prefix.js";
import { registrableDomain } from "../core/asker-origin.js";

export function crossCheck(config: SwitchboardConfig): UnplacedProblem[] {
  const problems: UnplacedProblem[] = [];
  const component = config.xmpp.component;
  if (component.enabled && component.secret === "") {
    problems.push({ segments: ["xmpp", "component", "secret"], atKey: false, message: "must be set when xmpp.component.enabled is true" });
  }
  const accounts = new Set<string>();
  const linking = config.xmpp.user_accounts.enabled;
  config.xmpp.bots.forEach((bot, index) => {
    if (bot.account === "default" || accounts.has(bot.account)) {
      problems.push({ segments: ["xmpp", "bots", String(index), "account"], atKey: false, message: `must be unique and not "default" (the component's account)` });
    } else if (linking && bot.account.toLowerCase().startsWith("u.")) {
      problems.push({ segments: ["xmpp", "bots", String(index), "account"], atKey: false, message: `must not start with "u." while xmpp.user_accounts.enabled is true: u.<user> names linked accounts` });
    }
    accounts.add(bot.account);
    problems.push(...relayFormatProblems(bot.relay_format, ["xmpp", "bots", String(index), "relay_format"]));
  });
  const key = config.xmpp.user_accounts.credential_key;
  const keyPath = ["xmpp", "user_accounts", "credential_key"];
  if (linking && key === "") {
    problems.push({ segments: keyPath, atKey: false, message: "must be set when xmpp.user_accounts.enabled is true (32 bytes: openssl rand -hex 32)" });
  } else if (key !== "" && decodeCredentialKey(key) === undefined) {
    // Never print the value: it is a secret.
    problems.push({ segments: keyPath, atKey: false, message: "must be 32 bytes written as 64 hexadecimal digits or as base64 (openssl rand -hex 32)" });
  }
  problems.push(...crossCheckIrc(config));
  problems.push(...resolveBridges(config).problems);
  return problems;
}

function crossCheckIrc(config: SwitchboardConfig): UnplacedProblem[] {
  const problems: UnplacedProblem[] = [];
  // Network names are account names in addresses, which compare exactly; two that differ only in case
  // are still refused, since an operator cannot tell irc://Libera/... from irc://libera/... apart.
  const names = new Map<string, number>();
  config.irc.networks.forEach((network, index) => {
    const at = (...keys: string[]): string[] => ["irc", "networks", String(index), ...keys];
    const first = names.get(network.name.toLowerCase());
    if (first === undefined) names.set(network.name.toLowerCase(), index);
    else problems.push({ segments: at("name"), atKey: false, message: `must be unique (compared case-insensitively): irc.networks.${first} is named "${config.irc.networks[first]?.name ?? ""}"` });
    problems.push(...checkNetwork(network, at));
    problems.push(...webircProblems(network.webirc, at));
  });
  const onDemand = config.irc.servers_on_demand;
  const at = (...keys: string[]): string[] => ["irc", "servers_on_demand", ...keys];
  if (onDemand.enabled && onDemand.allow.length === 0) {
    problems.push({ segments: at("allow"), atKey: false, message: "must list at least one host pattern when irc.servers_on_demand.enabled is true (\"*.libera.chat\")" });
  }
  const template = nickTemplateProblem(onDemand.puppets.nick_template);
  if (template !== undefined) problems.push({ segments: at("puppets", "nick_template"), atKey: false, message: template });
  problems.push(...webircProblems(onDemand.webirc, at));
  if (onDemand.webirc.password !== "") {
    onDemand.allow.forEach((pattern, index) => {
      if (fixesDomain(pattern)) return;
      const message = `lets through hosts of any domain, and irc.servers_on_demand.webirc.password is sent to each server reached: with it set, name hosts under a domain of their own ("*.libera.chat", "irc.oftc.net"), so that nobody has it sent to a server of theirs`;
      problems.push({ segments: at("allow", String(index)), atKey: false, message });
    });
  }
  return problems;
}

/**
 * Whether a host pattern of servers_on_demand.allow names hosts of one registrable domain ("*.libera.chat",
 * "irc?.oftc.net"): its wildcards stand before a dot and a whole registrable domain (core/asker-origin.ts's rule).
 * "*", "irc.*", "*.chat", "*.co.uk" and "*oftc.net" (evil-oftc.net) let a person name a server of her own.
 */
function fixesDomain(pattern: string): boolean {
  const wildcard = Math.max(pattern.lastIndexOf("*"), pattern.lastIndexOf("?"));
  if (wildcard < 0) return true;
  const suffix = pattern.slice(wildcard + 1).toLowerCase();
  if (!suffix.startsWith(".")) return false;
  const domain = suffix.slice(1);
  return domain !== "" && domain.split(".").length >= registrableDomain(`x.${domain}`).split(".").length;
}

/** A webirc block in use needs an IPv6 prefix that leaves 64 bits or more to the people in it (puppet-identity.ts). */
function webircProblems(webirc: IrcWebircConfig, at: (...keys: string[]) => string[]): UnplacedProblem[] {
  if (webirc.password === "" || parseIpv6Prefix(webirc.ipv6_prefix, 64) !== undefined) return [];
  return [{ segments: at("webirc", "ipv6_prefix"), atKey: false, message: `must be an IPv6 prefix of /64 or shorter ("fd00:5b::/64") when webirc.password is set, got ${JSON.stringify(webirc.ipv6_prefix)}` }];
}

/** The rules within one network; `at` makes the key path of one of its keys. */
function checkNetwork(network: IrcNetworkConfig, at: (...keys: string[]) => string[]): UnplacedProblem[] {
  const problems: UnplacedProblem[] = [];
  const problem = (segments: string[], message: string): void => {
    problems.push({ segments, atKey: false, message });
  };
  const { tls, sasl } = network;
  const certificate = tls.client_cert_file !== "";
  const key = tls.client_key_file !== "";
  // Never print a password: it is a secret.
  if (sasl.mechanism === "PLAIN" && sasl.password === "") problem(at("sasl", "password"), "must be set when sasl.mechanism is PLAIN");
  if (sasl.mechanism === "none" && sasl.password !== "") {
    problem(at("sasl", "mechanism"), `must be PLAIN when sasl.password is set: with "none" the password is never sent`);
  }
  if (sasl.mechanism === "EXTERNAL") {
    if (!tls.enabled) problem(at("tls", "enabled"), "must be true when sasl.mechanism is EXTERNAL (the login is the TLS client certificate)");
    if (!certificate && !key) {
      problem(at("tls", "client_cert_file"), "must be set when sasl.mechanism is EXTERNAL (the login is this certificate)");
      problem(at("tls", "client_key_file"), "must be set when sasl.mechanism is EXTERNAL (the key of tls.client_cert_file)");
    }
  }
  // As XMPP client mode does (client-login.ts): a password crosses the network only encrypted.
  const sendsPassword = sasl.mechanism === "PLAIN" || network.password !== "";
  if (sendsPassword && !tls.enabled && !isLoopbackHost(network.host)) {
    problem(
      at("tls", "enabled"),
      `must be true when a password is sent (sasl.mechanism PLAIN or password) to ${network.host}: in clear anyone on the way reads it. Only a loopback host (a local TLS tunnel such as stunnel) is exempt`,
    );
  }
  if (certificate && !key) problem(at("tls", "client_key_file"), "must be set when tls.client_cert_file is set (a certificate is used with its private key)");
  if (key && !certificate) problem(at("tls", "client_cert_file"), "must be set when tls.client_key_file is set (a private key is used with its certificate)");
  if (!usableFallbackEncoding(network.encoding_fallback)) {
    const message = `must be an encoding label that Node.js decodes and that keeps ASCII as ASCII (windows-1252, iso-8859-15, koi8-r, shift_jis...), got ${JSON.stringify(network.encoding_fallback)}`;
    problem(at("encoding_fallback"), message);
  }
  const template = nickTemplateProblem(network.puppets.nick_template);
  if (template !== undefined) problem(at("puppets", "nick_template"), template);
  problems.push(...relayFormatProblems(network.relay_format, at("relay_format")));

  // A channel joined twice, or a room fed by two channels of one network, would double or mix messages.
  // Channels compare by ASCII case (see foldAscii), rooms case-insensitively as native room names do.
  const channels = new Map<string, number>();
  const rooms = new Map<string, number>();
  network.channels.forEach((entry, index) => {
    const channel = foldAscii(entry.channel);
    const room = entry.room.toLowerCase();
    const firstChannel = channels.get(channel);
    const firstRoom = rooms.get(room);
    if (firstChannel === undefined) channels.set(channel, index);
    else problem(at("channels", String(index), "channel"), `must be listed once per network: ${JSON.stringify(entry.channel)} is already channels.${firstChannel} (compared case-insensitively)`);
    if (firstRoom === undefined) rooms.set(room, index);
    else problem(at("channels", String(index), "room"), `must be bridged once per network: ${JSON.stringify(entry.room)} is already the room of channels.${firstRoom}`);
  });
  return problems;
}

/** A relay format must name the sender (else nobody knows who spoke), and a placeholder misspelt would be written as it is. */
function relayFormatProblems(format: RelayFormat, segments: readonly string[]): UnplacedProblem[] {
  const problems: UnplacedProblem[] = [];
  for (const kind of ["text", "action"] as const) {
    const template = format[kind];
    const unknown = [...template.matchAll(/\{[^{}]*\}/g)].map(([placeholder]) => placeholder).find((placeholder) => placeholder !== "{name}" && placeholder !== "{network}");
    const message =
      unknown !== undefined
        ? `must use only the placeholders {name} and {network}, got ${unknown} in ${JSON.stringify(template)}`
        : template.includes("{name}")
          ? undefined
          : `must contain {name} (the sender's name), got ${JSON.stringify(template)}`;
    if (message !== undefined) problems.push({ segments: [...segments, kind], atKey: false, message });
  }
  return problems;
}
