/**
 * The Prosody 0.12 configuration of a test server: one virtual host, a MUC service and one external component,
 * all on 127.0.0.1 and under one temporary directory. Pure: paths and ports in, Lua text out.
 *
 * The keys that matter (facts checked against Prosody 0.12.3's source, /usr/lib/prosody):
 * - `run_as_root`: prosody and prosodyctl refuse root (or switch to the "prosody" user) without it.
 * - `default_iteration_count`: read by mod_auth_internal_hashed (default 10,000) and stored per account at
 *   registration. @xmpp/client never chooses PLAIN on a plaintext stream (client/lib/createOnAuthenticate.js
 *   takes the first mechanism that is not PLAIN unless the socket is TLS), so it always logs in with
 *   SCRAM-SHA-1, whose pure-JS PBKDF2 costs about 0.15 ms per iteration: 10,000 iterations are 1.5 s per
 *   login, 16 are nothing. Prosody logs one warning per registration for counts under 4096 (RFC 5802's
 *   suggested minimum); loopback test accounts do not need that protection.
 * - mod_tls only with `tls`: then the virtual host has a self-signed certificate (made by servers.ts), STARTTLS
 *   is offered on the c2s port and direct TLS (XEP-0368) served on its own port. Without certificates an
 *   offered STARTTLS would fail, so without `tls` nothing is offered.
 * - No mod_limits: it throttles each c2s session to about 10 kB/s.
 * - `modules_disabled = { "s2s" }`: no federation, so nothing listens on 5269.
 * - mod_carbons (XEP-0280), which Prosody's own default configuration enables: linked accounts use it. It copies
 *   messages only to sessions that enable carbons, so other tests see no difference.
 * - mod_vcard (XEP-0054 vcard-temp, each account's vCard kept as set): the gateway asks XMPP users' vCards for
 *   contact.info. Not mod_vcard_legacy, which keeps vCards as PEP vCard4 and needs mod_pep.
 * - mod_muc_mam only with `mucArchive`: the rooms keep an archive (XEP-0313) and stamp each line with the room's
 *   XEP-0359 stanza id, which other tests' MUCs must not (they check what the gateway does without one);
 *   `max_history_messages = 0` keeps the join history empty (mod_muc_mam serves it from the archive, 20 lines by
 *   default, whatever muc_room_default_history_length says).
 * - `muc_occupant_id = false` only with `mucOccupantIds: false`: Prosody 0.12's MUC then neither gives XEP-0421
 *   occupant ids nor announces them, and reflects an `<occupant-id/>` an occupant's client wrote unchanged
 *   (muc/occupant_id.lib.lua), as a MUC without XEP-0421 does.
 * - mod_pep only with `pep` (added to the virtual host's modules, which Prosody adds to the global ones): users
 *   publish XEP-0084 avatars. Its nodes' default access model is "presence": only JIDs the owner's presence goes to
 *   (a "from" or "both" subscription in her roster) read them or are sent their notifications, which it sends to a
 *   contact's full JID whose caps (XEP-0115, asked by disco#info once per hash) name a node's "+notify". Elsewhere off,
 *   so that other tests' contacts are not asked their caps.
 */

export interface ProsodyConfigInput {
  readonly dataDir: string;
  readonly pidFile: string;
  readonly logFile: string;
  readonly certificatesDir: string;
  readonly domain: string;
  readonly c2sPort: number;
  readonly componentPort: number;
  readonly componentDomain: string;
  readonly componentSecret: string;
  readonly mucDomain: string;
  readonly runAsRoot: boolean;
  /** SCRAM iterations stored for each account registered after start-up. */
  readonly iterationCount: number;
  /** STARTTLS on the c2s port and direct TLS on this port, with this certificate and key. */
  readonly tls?: { readonly directTlsPort: number; readonly certificateFile: string; readonly keyFile: string };
  /** mod_muc_mam on the MUC service: its rooms keep an archive (XEP-0313) and give lines XEP-0359 stanza ids. */
  readonly mucArchive?: boolean;
  /** false: the MUC service gives no XEP-0421 occupant ids (and strips none). */
  readonly mucOccupantIds?: boolean;
  /** mod_pep on the virtual host: its users publish XEP-0084 avatars (and other PEP nodes). */
  readonly pep?: boolean;
}

/** A Lua string literal: backslash, quotes and control characters escaped. */
export function luaString(value: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${value.replace(/[\\"\u0000-\u001f\u007f]/g, (char) => `\\${String(char.charCodeAt(0)).padStart(3, "0")}`)}"`;
}

export function prosodyConfig(input: ProsodyConfigInput): string {
  const lines = [
    "-- Written by test/helpers/servers.ts for one test run; deleted with its directory.",
    `run_as_root = ${input.runAsRoot ? "true" : "false"}`,
    `pidfile = ${luaString(input.pidFile)}`,
    `data_path = ${luaString(input.dataDir)}`,
    `log = { info = ${luaString(input.logFile)} }`,
    `certificates = ${luaString(input.certificatesDir)}`,
    "",
    'interfaces = { "127.0.0.1" }',
    'local_interfaces = { "127.0.0.1" }',
    'c2s_interfaces = { "127.0.0.1" }',
    'component_interfaces = { "127.0.0.1" }',
    `c2s_ports = { ${input.c2sPort} }`,
    `c2s_direct_tls_ports = { ${input.tls?.directTlsPort ?? ""} }`,
    "legacy_ssl_ports = { }",
    `component_ports = { ${input.componentPort} }`,
    "",
    "c2s_require_encryption = false",
    "allow_unencrypted_plain_auth = true",
    'authentication = "internal_hashed"',
    `default_iteration_count = ${input.iterationCount}`,
    'storage = "internal"',
    "allow_registration = true",
    "",
    "modules_enabled = {",
    '  "roster"; "saslauth"; "disco"; "presence"; "version"; "ping"; "register"; "carbons"; "vcard"; "blocklist";',
    ...(input.tls ? ['  "tls";'] : []),
    "}",
    ...(input.tls ? [`ssl = { certificate = ${luaString(input.tls.certificateFile)}; key = ${luaString(input.tls.keyFile)} }`] : []),
    'modules_disabled = { "s2s" }',
    "",
    `VirtualHost ${luaString(input.domain)}`,
    ...(input.pep === true ? ['  modules_enabled = { "pep" }'] : []),
    "",
    `Component ${luaString(input.mucDomain)} "muc"`,
    "  muc_room_locking = false",
    "  muc_room_default_history_length = 0",
    ...(input.mucArchive === true ? ['  modules_enabled = { "muc_mam" }', "  max_history_messages = 0"] : []),
    ...(input.mucOccupantIds === false ? ["  muc_occupant_id = false"] : []),
    "",
    `Component ${luaString(input.componentDomain)}`,
    `  component_secret = ${luaString(input.componentSecret)}`,
    "",
  ];
  return lines.join("\n");
}
