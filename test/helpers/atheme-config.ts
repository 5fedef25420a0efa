/**
 * The Atheme 7.2 configuration and starting database of a test services server (test/helpers/atheme.ts). Pure:
 * names, ports, passwords and accounts in, file text out.
 *
 * The configuration (keys from Debian's /usr/share/doc/atheme-services/examples/atheme.conf.example):
 * - `modules/protocol/inspircd` speaks InspIRCd's server protocol 1202 (InspIRCd 2.0), which InspIRCd 3 still
 *   links with; `modules/backend/opensex` keeps the accounts in `services.db` under the data dir (`-D`).
 * - No crypto module: passwords are kept as written (fine for throw-away test accounts, and it is what lets
 *   athemeDatabase write accounts directly).
 * - NickServ (`nickserv/main`, `register`, `identify`, `logout`, `cert`) and SaslServ (`saslserv/main`, `plain`,
 *   `external`); the mechanisms go to InspIRCd as `METADATA * saslmechlist`, which it announces as
 *   `sasl=PLAIN,EXTERNAL`.
 * - `serverinfo auth = none`: REGISTER needs no e-mail verification (and no `mta` is set, so none is sent).
 *   `general flood_msgs = 0` and no `ratelimit_*`: services never throttle a test. `maxlogins` raised: every
 *   test connection may log in to the same account.
 * - `uplink`: the test InspIRCd's server-link port on 127.0.0.1, one password both ways (`password`), and a
 *   short `recontime` so a lost link comes back quickly.
 * - Values are double-quoted; a value holding `"`, `\`, a control character or (for passwords, whose spaces
 *   Atheme rejects) whitespace is refused rather than escaped.
 *
 * The database (opensex, schema "DBV 12", the rows Atheme 7.2 itself writes after `NickServ REGISTER`):
 *   MU <entity id> <account> <password> <email> <registered> <last login> <flags> <language>
 *   MN <account> <nick> <registered> <last seen>          (the account's nick, as REGISTER groups it)
 *   MCFP <account> <certificate fingerprint>               (as NickServ CERT ADD stores it)
 *   LUID <last entity id handed out>
 * Flags "+s" is hidemail (general::uflags); without "C" the password is plain text. Entity ids are 9 characters
 * counting up from AAAAAAAAB like Atheme's own (A-Z, then 0-9, per position).
 */

export interface AthemeConfigInput {
  /** The services server's name (with a dot), as the IRC server's <link> and <uline> name it. */
  readonly name: string;
  /** Atheme's server id (SID): a digit and two digits or upper-case letters; InspIRCd's own is all digits. */
  readonly numeric: string;
  readonly network: string;
  readonly uplink: { readonly name: string; readonly host: string; readonly port: number; readonly password: string };
}

export interface AthemeAccount {
  /** The account name (also registered as a nick): letters, digits and -_[]{}|\^` only. */
  readonly name: string;
  readonly password: string;
  /** Defaults to <name>@switchboard.test. */
  readonly email?: string;
  /** Certificate fingerprints for SASL EXTERNAL (InspIRCd's: SHA-256, lower-case hex without colons). */
  readonly certificateFingerprints?: readonly string[];
}

/** The SaslServ mechanisms loaded (saslserv/<lower-case name>). */
export const ATHEME_SASL_MECHANISMS: readonly string[] = ["PLAIN", "EXTERNAL"];

/** A double-quoted Atheme config value; refuses what the parser would misread. */
export function athemeValue(value: string, key: string, options: { spaces?: boolean } = {}): string {
  // eslint-disable-next-line no-control-regex
  const bad = options.spaces === false ? /[\u0000-\u0020\u007f"\\]/ : /[\u0000-\u001f\u007f"\\]/;
  if (value === "" || bad.test(value)) throw new Error(`Atheme config ${key}: ${JSON.stringify(value)} is empty or holds a quote, a backslash, a control character${options.spaces === false ? " or a space" : ""}`);
  return `"${value}"`;
}

export function athemeConfig(input: AthemeConfigInput): string {
  if (!/^[0-9][0-9A-Z]{2}$/.test(input.numeric)) throw new Error(`Atheme numeric ${JSON.stringify(input.numeric)} is not a server id (a digit and two of 0-9A-Z)`);
  if (!input.name.includes(".")) throw new Error(`Atheme server name ${JSON.stringify(input.name)} needs a dot`);
  const name = athemeValue(input.name, "serverinfo::name", { spaces: false });
  const service = (nick: string, real: string): string[] => [`  nick = "${nick}";`, `  user = "${nick}";`, `  host = ${name};`, `  real = "${real}";`];
  const modules = [
    "protocol/inspircd",
    "backend/opensex",
    "nickserv/main",
    "nickserv/register",
    "nickserv/identify",
    "nickserv/logout",
    "nickserv/cert",
    // SET PASSWORD: a test changes an account's password behind the gateway's back.
    "nickserv/set_core",
    "nickserv/set_password",
    "saslserv/main",
    ...ATHEME_SASL_MECHANISMS.map((mechanism) => `saslserv/${mechanism.toLowerCase()}`),
  ];
  return [
    "/* Written by test/helpers/atheme.ts for one test run; deleted with its directory. */",
    ...modules.map((module) => `loadmodule "modules/${module}";`),
    "",
    "serverinfo {",
    `  name = ${name};`,
    '  desc = "Switchboard test services";',
    `  numeric = "${input.numeric}";`,
    "  recontime = 1;",
    `  netname = ${athemeValue(input.network, "serverinfo::netname")};`,
    '  hidehostsuffix = "users.switchboard.test";',
    '  adminname = "Switchboard tests";',
    '  adminemail = "tests@switchboard.test";',
    '  registeremail = "tests@switchboard.test";',
    "  loglevel = { error; info; admin; network; register; };",
    "  maxlogins = 1000;",
    "  maxusers = 1000;",
    "  mdlimit = 30;",
    "  emaillimit = 10;",
    "  emailtime = 300;",
    "  auth = none;",
    "  casemapping = rfc1459;",
    "};",
    "",
    `uplink ${athemeValue(input.uplink.name, "uplink name", { spaces: false })} {`,
    `  host = ${athemeValue(input.uplink.host, "uplink::host", { spaces: false })};`,
    `  password = ${athemeValue(input.uplink.password, "uplink::password", { spaces: false })};`,
    `  port = ${input.uplink.port};`,
    "};",
    "",
    "nickserv {",
    ...service("NickServ", "Nickname Services"),
    "  maxnicks = 5;",
    "  expire = 0;",
    "};",
    "",
    "saslserv {",
    ...service("SaslServ", "SASL Authentication Agent"),
    "};",
    "",
    "general {",
    "  uflags = { hidemail; };",
    "  cflags = { verbose; };",
    "  flood_msgs = 0;",
    "  flood_time = 10;",
    "  commit_interval = 5;",
    '  language = "en";',
    "  uplink_sendq_limit = 1048576;",
    "};",
    "",
  ].join("\n");
}

/** Atheme's entity id number `index` (1 = AAAAAAAAB): base 36 over A-Z then 0-9, 9 characters. */
export function athemeEntityId(index: number): string {
  const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  let id = "";
  for (let rest = index, place = 0; place < 9; place++, rest = Math.floor(rest / digits.length)) id = (digits[rest % digits.length] ?? "A") + id;
  return id;
}

function dbWord(value: string, what: string): string {
  // eslint-disable-next-line no-control-regex
  if (value === "" || /[\s\u0000-\u001f\u007f]/.test(value)) throw new Error(`Atheme database: the ${what} ${JSON.stringify(value)} is empty or holds a space or a control character`);
  return value;
}

/** The opensex database holding `accounts` (see the header), registered at `now` (Unix seconds). */
export function athemeDatabase(accounts: readonly AthemeAccount[], now: number): string {
  const lines = ["DBV 12", `LUID ${athemeEntityId(accounts.length)}`];
  const seen = new Set<string>();
  accounts.forEach((account, index) => {
    if (!/^[A-Za-z\-_[\]{}|\\^`][A-Za-z0-9\-_[\]{}|\\^`]*$/.test(account.name)) throw new Error(`Atheme account name ${JSON.stringify(account.name)} is not a nick`);
    if (seen.has(account.name.toLowerCase())) throw new Error(`Atheme account ${account.name} is given twice`);
    seen.add(account.name.toLowerCase());
    const email = dbWord(account.email ?? `${account.name}@switchboard.test`, "e-mail of account " + account.name);
    lines.push(`MU ${athemeEntityId(index + 1)} ${account.name} ${dbWord(account.password, "password of account " + account.name)} ${email} ${now} ${now} +s default`);
    lines.push(`MN ${account.name} ${account.name} ${now} ${now}`);
    for (const fingerprint of account.certificateFingerprints ?? []) {
      if (!/^[0-9a-f]+$/.test(fingerprint)) throw new Error(`Atheme account ${account.name}: the fingerprint ${JSON.stringify(fingerprint)} is not lower-case hex`);
      lines.push(`MCFP ${account.name} ${fingerprint}`);
    }
  });
  lines.push("");
  return lines.join("\n");
}
