/**
 * The InspIRCd 3 configuration of a test server: one listener (two with TLS) on 127.0.0.1, every file under one
 * temporary directory, flood and clone limits lifted, and the IRCv3 modules loaded. Pure: paths, ports and the
 * list of installed modules in, config text out.
 *
 * The keys that matter (see shared SERVERS.md and docs.inspircd.org/3):
 * - `<connect>` holds the flood control: each command adds 1000 to a client's penalty, `commandrate`
 *   (millicommands per second) drains it once per second, and reaching `threshold` x 1000 either quits the
 *   client ("Excess Flood") or, with `fakelag`, holds its commands. A huge threshold and rate plus
 *   `fakelag="no"` mean no penalty a test can reach. Commands are also held while the send queue exceeds
 *   `softsendq`, and a client is dropped past `recvq`/`hardsendq`: all large.
 * - `localmax`/`globalmax` (clones per IP, default 3) and `<performance clonesonconnect>`: raised/off, since
 *   every puppet of a gateway comes from 127.0.0.1. `maxchans` (default 20) raised.
 * - `resolvehostnames="no"`, `useident="no"`: no lookups at registration. Registration is still held about
 *   one second by the server's once-per-second background check (SERVERS.md): a fact of InspIRCd 3.15.
 * - Relative paths in this file resolve against the compiled-in directories (/etc/inspircd ...), even with a
 *   `<path>` tag, and a missing MOTD file is fatal: every path written here is absolute.
 * - Values are quoted; `&`, `"`, `<` and `>` are written as the entities InspIRCd's parser knows.
 * - ssl_gnutls (the TLS module Debian ships) crashes with SIGSEGV when the server shuts down; the start-up
 *   code in irc-servers.ts treats that as a normal stop. It is loaded only when TLS is asked for.
 * - Services (`services`, for SASL through Atheme, test/helpers/atheme.ts): a `<bind type="servers">` port on
 *   127.0.0.1, a `<link>` block naming the services server with one password both ways, a `<uline>` for it
 *   (services may change any mode and are hidden from splits), and the modules spanningtree (server links;
 *   InspIRCd 3 also speaks the 2.0 protocol 1202 that Atheme 7.2 uses), services_account (accounts, RPL_WHOISACCOUNT
 *   330; Atheme refuses to link without it) and sasl, whose `<sasl target>` is the services server. InspIRCd
 *   offers the "sasl" cap only while that server is linked, with the mechanisms it announced (sasl=PLAIN,EXTERNAL).
 * - `webircPassword`: WEBIRC from 127.0.0.1 (module cgiirc, `<cgihost type="webirc" password mask>`); a wrong password
 *   is only told to opers, and the client registers under its own IP.
 * - `tls.requestClientCertificate` asks TLS clients for a certificate (`requestclientcert`, fingerprints in
 *   SHA-256 hex); with the sslinfo module the fingerprint reaches services, for SASL EXTERNAL.
 */

/** IRCv3 and related modules every test server loads when installed (cap first: the others register caps). */
export const INSPIRCD_MODULES: readonly string[] = [
  "cap",
  "ircv3",
  "ircv3_capnotify",
  "monitor",
  "ircv3_echomessage",
  "ircv3_servertime",
  "ircv3_msgid",
  "ircv3_ctctags",
  "ircv3_batch",
  "ircv3_labeledresponse",
  "ircv3_accounttag",
  "namesx",
  "uhnames",
];

export interface InspircdConfigInput {
  readonly name: string;
  readonly network: string;
  readonly port: number;
  readonly pidFile: string;
  readonly logFile: string;
  readonly motdFile: string;
  readonly dataDir: string;
  /** Module names without the m_ prefix, in load order (see inspircdModules). */
  readonly modules: readonly string[];
  /** MONITOR list size per client (ISUPPORT MONITOR=). */
  readonly monitorLimit: number;
  /** The server password (PASS): clients without it match no connect class and are refused. */
  readonly password?: string;
  readonly operators: ReadonlyArray<{ readonly name: string; readonly password: string }>;
  readonly tls?: {
    readonly port: number;
    readonly certFile: string;
    readonly keyFile: string;
    readonly module: "ssl_gnutls" | "ssl_openssl";
    /** Ask clients for a certificate (their fingerprint, SHA-256, for sslinfo and SASL EXTERNAL). */
    readonly requestClientCertificate?: boolean;
  };
  /** WEBIRC from 127.0.0.1 with this password (module cgiirc, `<cgihost type="webirc">`). */
  readonly webircPassword?: string;
  /** A services server (Atheme) that may link on `port` (type "servers") with `password`, and serve SASL. */
  readonly services?: { readonly name: string; readonly password: string; readonly port: number };
}

/** The modules a services link needs, loaded whenever `services` is set (see the header). */
export const INSPIRCD_SERVICES_MODULES: readonly string[] = ["spanningtree", "services_account", "sasl"];

/**
 * The modules to load: the standard list plus extras, keeping only those `installed` says exist (a module that
 * is missing would stop the server from starting).
 */
export function inspircdModules(installed: (name: string) => boolean, extra: readonly string[] = []): string[] {
  const wanted = [...INSPIRCD_MODULES, ...extra.filter((name) => !INSPIRCD_MODULES.includes(name))];
  return wanted.filter((name) => installed(name));
}

/** A double-quoted InspIRCd config value. Control characters cannot be written and are refused. */
export function inspircdValue(value: string, key: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new Error(`InspIRCd config ${key}: ${JSON.stringify(value)} contains a control character`);
  const escaped = value.replace(/[&"<>]/g, (char) => ({ "&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;" })[char] ?? char);
  return `"${escaped}"`;
}

function tag(name: string, attributes: Readonly<Record<string, string | number>>): string {
  const parts = Object.entries(attributes).map(([key, value]) => `${key}=${typeof value === "number" ? `"${value}"` : inspircdValue(value, `<${name} ${key}>`)}`);
  return `<${name} ${parts.join(" ")}>`;
}

export function inspircdConfig(input: InspircdConfigInput): string {
  const lines = [
    "# Written by test/helpers/irc-servers.ts for one test run; deleted with its directory.",
    tag("server", { name: input.name, description: "Switchboard test server", network: input.network }),
    tag("admin", { name: "Switchboard tests", nick: "admin", email: "tests@localhost" }),
    tag("path", { datadir: input.dataDir, logdir: input.dataDir, runtimedir: input.dataDir }),
    tag("pid", { file: input.pidFile }),
    tag("log", { method: "file", type: "* -USERINPUT -USEROUTPUT", level: "default", target: input.logFile }),
    tag("files", { motd: input.motdFile }),
    tag("bind", { address: "127.0.0.1", port: input.port, type: "clients" }),
  ];
  if (input.tls) {
    lines.push(
      tag("module", { name: input.tls.module }),
      tag("sslprofile", {
        name: "Clients",
        provider: input.tls.module === "ssl_gnutls" ? "gnutls" : "openssl",
        certfile: input.tls.certFile,
        keyfile: input.tls.keyFile,
        dhfile: "",
        requestclientcert: input.tls.requestClientCertificate === true ? "yes" : "no",
        ...(input.tls.requestClientCertificate === true ? { hash: "sha256" } : {}),
      }),
      tag("bind", { address: "127.0.0.1", port: input.tls.port, type: "clients", sslprofile: "Clients" }),
    );
  }
  const connect: Record<string, string | number> = {
    name: "main",
    allow: "*",
    timeout: 60,
    pingfreq: 120,
    threshold: 1_000_000,
    commandrate: 1_000_000_000,
    fakelag: "no",
    recvq: "16M",
    softsendq: "16M",
    hardsendq: "16M",
    localmax: 100_000,
    globalmax: 100_000,
    maxchans: 1000,
    limit: 100_000,
    resolvehostnames: "no",
    useident: "no",
  };
  if (input.password !== undefined) connect["password"] = input.password;
  lines.push(
    tag("connect", connect),
    tag("channels", { users: 1000, opers: 1000 }),
    tag("performance", { clonesonconnect: "no", softlimit: 10_000, somaxconn: 1024, netbuffersize: 65_536, quietbursts: "yes" }),
    tag("options", { syntaxhints: "no", announcets: "yes", hostintopic: "yes", pingwarning: 15, splitwhois: "no", exemptchanops: "" }),
    tag("security", { hideserver: "", userstats: "Pu", customversion: "", flatlinks: "no", hidesplits: "no", hideulines: "no", hidebans: "no", maxtargets: 20 }),
  );
  if (input.operators.length > 0) {
    lines.push(
      tag("class", { name: "SwitchboardOper", commands: "*", privs: "*", usermodes: "*", chanmodes: "*", snomasks: "*" }),
      tag("type", { name: "TestOper", classes: "SwitchboardOper" }),
    );
    for (const operator of input.operators) lines.push(tag("oper", { name: operator.name, password: operator.password, host: "*@*", type: "TestOper" }));
  }
  const modules = input.services === undefined ? input.modules : [...input.modules, ...INSPIRCD_SERVICES_MODULES.filter((name) => !input.modules.includes(name))];
  for (const name of modules) lines.push(tag("module", { name }));
  if (input.webircPassword !== undefined) lines.push(tag("module", { name: "cgiirc" }), tag("cgihost", { type: "webirc", password: input.webircPassword, mask: "127.0.0.1" }));
  if (input.modules.includes("monitor")) lines.push(tag("monitor", { maxentries: input.monitorLimit }));
  if (input.services !== undefined) {
    const { name, password, port } = input.services;
    lines.push(
      tag("bind", { address: "127.0.0.1", port, type: "servers" }),
      tag("link", { name, ipaddr: "127.0.0.1", port, allowmask: "127.0.0.1/32", sendpass: password, recvpass: password }),
      tag("uline", { server: name, silent: "yes" }),
      tag("sasl", { target: name, requiressl: "no" }),
    );
  }
  lines.push("");
  return lines.join("\n");
}
