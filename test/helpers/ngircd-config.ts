/**
 * The ngIRCd 26 configuration of a test server: one listener (two with TLS) on 127.0.0.1, every file under one
 * temporary directory, and the limits a gateway needs lifted. Pure: paths and ports in, config text out.
 *
 * The keys that matter (see shared SERVERS.md and ngircd.conf(5)):
 * - `MaxConnectionsIP = 0`: the default (5) refuses the sixth connection from 127.0.0.1, where every puppet
 *   of a gateway comes from.
 * - `MaxPenaltyTime = 0`: no command penalties; otherwise a client sending fast is held to about one line
 *   per second. ngIRCd warns about this at start-up ("not recommended"): expected.
 * - `DefaultUserModes = F`: relaxed flood protection for every client (10 instead of 3 commands per read
 *   cycle). Every client therefore sees `MODE <nick> :+F` right after its MOTD.
 * - `DNS`, `Ident`, `PAM` off: registration without lookups, so it is instant.
 * - `MaxNickLength = 30` (default 9), `MaxJoins = 0` (unlimited channels per user).
 * - ServerUID/ServerGID: ngIRCd started as root always drops privileges (to "irc" if unset, which may not
 *   exist); 65534 is nobody/nogroup on Debian. It writes its PidFile only after dropping them, so no PidFile
 *   is configured (the test process holds the child anyway). As a non-root user ngIRCd keeps its own uid.
 * - `WebircPassword` ([Options]): WEBIRC is taken from any client that gives it (ngIRCd has no per-host list).
 * - [SSL]: ngIRCd links GnuTLS on Debian; with no DHFile it generates its parameters at start-up (fast).
 */

export interface NgircdConfigInput {
  /** Server name: must contain a dot. */
  readonly name: string;
  /** Announced as NETWORK= in RPL_ISUPPORT. */
  readonly network: string;
  readonly port: number;
  readonly motdFile: string;
  /** uid/gid to drop to; only when started as root. */
  readonly runAs?: { readonly uid: number; readonly gid: number };
  /** The server password (PASS) every client must give. */
  readonly password?: string;
  readonly operators: ReadonlyArray<{ readonly name: string; readonly password: string }>;
  readonly tls?: { readonly port: number; readonly certFile: string; readonly keyFile: string };
  /** Servers linked to this one (a network of two, for netsplits): with a port, this server connects to it. */
  readonly peers?: readonly NgircdPeer[];
  /** WEBIRC from any client that gives this password (`WebircPassword`, [Options]). */
  readonly webircPassword?: string;
}

/** Another ngIRCd of the same network on 127.0.0.1: the link password is the same both ways. */
export interface NgircdPeer {
  readonly name: string;
  readonly password: string;
  /** Where to connect; without it this server only accepts the peer's connection. */
  readonly port?: number;
}

/**
 * A value as ngIRCd reads it: the rest of the line, trimmed. Line breaks, NUL and surrounding blanks cannot be
 * represented, so they are refused rather than silently changed.
 */
export function ngircdValue(value: string, key: string): string {
  // eslint-disable-next-line no-control-regex
  if (value === "" || /[\u0000\r\n]/.test(value) || value.trim() !== value) {
    throw new Error(`ngIRCd config ${key}: ${JSON.stringify(value)} cannot be written (empty, line break, NUL, or surrounding blanks)`);
  }
  return value;
}

export function ngircdConfig(input: NgircdConfigInput): string {
  if (!input.name.includes(".")) throw new Error(`ngIRCd server name ${JSON.stringify(input.name)} must contain a dot`);
  const lines = [
    "# Written by test/helpers/irc-servers.ts for one test run; deleted with its directory.",
    "[Global]",
    `\tName = ${ngircdValue(input.name, "Name")}`,
    "\tInfo = Switchboard test server",
    "\tAdminInfo1 = Switchboard tests",
    "\tAdminInfo2 = 127.0.0.1",
    "\tAdminEMail = tests@localhost",
    `\tNetwork = ${ngircdValue(input.network, "Network")}`,
    "\tListen = 127.0.0.1",
    `\tPorts = ${input.port}`,
    `\tMotdFile = ${ngircdValue(input.motdFile, "MotdFile")}`,
  ];
  if (input.password !== undefined) lines.push(`\tPassword = ${ngircdValue(input.password, "Password")}`);
  if (input.runAs) lines.push(`\tServerUID = ${input.runAs.uid}`, `\tServerGID = ${input.runAs.gid}`);
  lines.push(
    "",
    "[Limits]",
    "\tMaxConnections = 0",
    "\tMaxConnectionsIP = 0",
    "\tMaxJoins = 0",
    "\tMaxNickLength = 30",
    "\tMaxPenaltyTime = 0",
    "\tMaxListSize = 0",
    "\tPingTimeout = 120",
    "\tPongTimeout = 20",
    "",
    "[Options]",
    "\tDefaultUserModes = F",
    "\tDNS = no",
    "\tIdent = no",
    "\tPAM = no",
    "\tOperCanUseMode = yes",
  );
  if (input.webircPassword !== undefined) lines.push(`\tWebircPassword = ${ngircdValue(input.webircPassword, "WebircPassword")}`);
  if (input.tls) {
    lines.push(
      "",
      "[SSL]",
      `\tCertFile = ${ngircdValue(input.tls.certFile, "CertFile")}`,
      `\tKeyFile = ${ngircdValue(input.tls.keyFile, "KeyFile")}`,
      `\tPorts = ${input.tls.port}`,
    );
  }
  for (const operator of input.operators) {
    lines.push("", "[Operator]", `\tName = ${ngircdValue(operator.name, "Operator.Name")}`, `\tPassword = ${ngircdValue(operator.password, "Operator.Password")}`);
  }
  for (const peer of input.peers ?? []) {
    const password = ngircdValue(peer.password, "Server.Password");
    lines.push("", "[Server]", `\tName = ${ngircdValue(peer.name, "Server.Name")}`, "\tHost = 127.0.0.1", `\tMyPassword = ${password}`, `\tPeerPassword = ${password}`);
    if (peer.port !== undefined) lines.push(`\tPort = ${peer.port}`);
  }
  lines.push("");
  return lines.join("\n");
}
