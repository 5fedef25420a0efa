import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isMap, parseDocument, type Document } from "yaml";
import {
  ConfigError,
  configSchema,
  loadConfigFile,
  loadDefaultConfig,
  parseConfig,
  DEFAULT_CONFIG_URL,
} from "../../../src/config/load-config.js";
import {
  LOG_LEVELS,
  REGISTRATION_MODES,
  STORE_DRIVERS,
  type IrcNetworkConfig,
  type LogLevel,
  type SwitchboardConfig,
} from "../../../src/config/config-types.js";
import type { SchemaNode } from "../../../src/config/problems.js";
import { onDemandNetworkConfig } from "../../../src/config/on-demand-network.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const fixtures = join(root, "test/fixtures/config");
const examplePath = join(root, "config/switchboard.example.yaml");

/** The environment every fixture is parsed with. */
const ENV = {
  SWITCHBOARD_PORT: "7200",
  SWITCHBOARD_DB_DIR: "/var/lib/switchboard",
  SWITCHBOARD_NATIVE: "false",
  SWITCHBOARD_HOST: "::1",
  SWITCHBOARD_SECRET: "hunter2",
  SWITCHBOARD_BAD_PORT: "99999",
  SWITCHBOARD_IRC_PASSWORD: "0123",
  SWITCHBOARD_IRC_SASL_PASSWORD: "sasl-secret",
};

/**
 * The defaults, written as a SwitchboardConfig: the compiler checks that this literal is exactly the type
 * (no missing, no extra key), and the test below that it is exactly what the schema fills into an empty
 * document. Together they bind the hand-written type to the schema.
 */
const DEFAULTS: SwitchboardConfig = {
  log: { level: "info" },
  store: { driver: "sqlite", path: "./data/switchboard.db", message_log: true, message_log_max_age_days: 0 },
  native: {
    enabled: true,
    host: "127.0.0.1",
    port: 7117,
    path: "/",
    max_frame_bytes: 327680,
    rate_limit: { frames_per_second: 100, burst: 200 },
    registration: "open",
    login_attempts: { max: 5, window_seconds: 60 },
    ping_interval_seconds: 30,
    max_connections: 10000,
    trusted_proxies: [],
    allowed_origins: [],
    registrations_per_hour: 20,
    limits: { contacts: 1000, rooms_created: 50, contact_requests_per_hour: 100 },
  },
  outbox: { expire_after_seconds: 604800, retry_interval_seconds: 30 },
  shutdown: { drain_timeout_ms: 3000 },
  metrics: { enabled: false, host: "127.0.0.1", port: 9117 },
  identities: { deliver_to: "most_available" },
  rooms: { max_members: 1000, invitations_per_hour: 30 },
  admins: [],
  bridges: [],
  xmpp: {
    component: { enabled: false, domain: "switchboard.localhost", host: "127.0.0.1", port: 5347, secret: "", name: "Switchboard", messages_from: "contacts", room_history: 20, registration: true },
    bots: [],
    user_accounts: { enabled: false, credential_key: "", internal_hosts: [] },
  },
  irc: {
    networks: [],
    servers_on_demand: {
      enabled: false,
      allow: [],
      deny: [],
      internal_hosts: [],
      ports: [6697],
      tls: { enabled: true, verify: true, ca_file: "" },
      nick: "switchboard",
      puppets: { nick_template: "{name}[sb]", idle_timeout_seconds: 3600, max_connections: 50, connect_interval_ms: 200 },
      open_channels_for: ["*"],
      open_channels_max: 50,
      max_servers: 20,
      max_servers_per_person: 3,
      idle_seconds: 600,
      webirc: { password: "", gateway: "switchboard", ipv6_prefix: "", host_suffix: "" },
    },
  },
};

// Compile-time: LOG_LEVELS lists every LogLevel of the logger.
const _everyLogLevel: [Exclude<LogLevel, (typeof LOG_LEVELS)[number]>] extends [never] ? true : false = true;

function problemsOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error: unknown) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  assert.fail("expected a ConfigError");
}

/** The schema of a key path; the segment "[]" stands for the entries of a list. */
function schemaAt(path: readonly string[], from: SchemaNode = configSchema()): SchemaNode {
  let node = from;
  for (const key of path) {
    const child = key === "[]" ? node.items : node.properties?.[key];
    assert.ok(child, `schema has no key ${path.join(".")}`);
    node = child;
  }
  return node;
}

/**
 * Every key path of the schema, sections included, in schema order. With `withItems`, also the keys of list
 * entries, below a "[]" segment (irc.networks.[].name).
 */
function schemaPaths(node: SchemaNode, prefix: string[] = [], withItems = false): string[][] {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => {
    const path = [...prefix, key];
    const below = withItems && child.items ? schemaPaths(child.items, [...path, "[]"], true) : [];
    return [path, ...schemaPaths(child, path, withItems), ...below];
  });
}

/** How docs/config.md writes a key path: irc.networks[].tls.enabled. */
function docsName(path: readonly string[]): string {
  return path.join(".").replace(/\.\[\]/g, "[]");
}

/**
 * Asserts that the key at `path` of `doc` (parsed from `text`) has a comment on the line above it. `firstLine`
 * is the line of the file that `text` starts at, for the message.
 */
function assertCommented(text: string, doc: Document, path: readonly (string | number)[], name: string, firstLine = 1): void {
  assert.ok(doc.hasIn(path), `the example lacks ${name}`);
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  assert.ok(isMap(parent), `${name}: parent is not a mapping`);
  const pair = parent.items.find((item) => String((item.key as { value?: unknown }).value) === String(path[path.length - 1]));
  const offset = (pair?.key as { range?: [number, number, number] } | undefined)?.range?.[0] ?? -1;
  const lineIndex = text.slice(0, offset).split("\n").length - 1;
  assert.match(text.split("\n")[lineIndex - 1] ?? "", /^\s*#/, `${name} (line ${lineIndex + firstLine}) has no comment above it`);
}

describe("parseConfig", () => {
  it("fills every default into an empty document, exactly the SwitchboardConfig type", () => {
    assert.deepEqual(parseConfig("", "empty.yaml", {}), DEFAULTS);
  });

  it("returns a deep-frozen config", () => {
    const config = parseConfig("native:\n  port: 8000\n", "frozen.yaml", {});
    assert.equal(config.native.port, 8000);
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.native));
    assert.ok(Object.isFrozen(config.native.rate_limit));
    assert.throws(() => {
      (config.native as { port: number }).port = 1;
    }, TypeError);
  });

  it("has the same enums as the schema", () => {
    assert.deepEqual(schemaAt(["log", "level"]).enum, LOG_LEVELS);
    assert.deepEqual(schemaAt(["store", "driver"]).enum, STORE_DRIVERS);
    assert.deepEqual(schemaAt(["native", "registration"]).enum, REGISTRATION_MODES);
    assert.ok(_everyLogLevel);
  });

  it("gives every schema key a description and every leaf a default", () => {
    for (const path of schemaPaths(configSchema())) {
      const node = schemaAt(path) as SchemaNode & { default?: unknown };
      assert.ok(node.description, `${path.join(".")} has no description`);
      assert.notEqual(node.default, undefined, `${path.join(".")} has no default`);
    }
    for (const path of schemaPaths(configSchema(), [], true)) {
      assert.ok(schemaAt(path).description, `${path.join(".")} has no description`);
    }
  });

  it("closes every mapping of the schema and requires each of its keys (a key with a default is filled in first)", () => {
    const mappings = [[], ...schemaPaths(configSchema(), [], true)].flatMap((path) => {
      const node = schemaAt(path);
      return [node, ...(node.items ? [node.items] : [])].filter((each) => each.type === "object").map((each) => ({ path, node: each }));
    });
    for (const { path, node } of mappings) {
      const raw = node as SchemaNode & { additionalProperties?: unknown; required?: readonly string[] };
      assert.equal(raw.additionalProperties, false, `${path.join(".")} accepts unknown keys`);
      assert.deepEqual(raw.required, Object.keys(node.properties ?? {}), `${path.join(".")} does not require each of its keys`);
    }
  });

  it("substitutes a string from the environment and reads a lone ${VAR} as a number where one is expected", () => {
    const config = parseConfig("native:\n  port: ${P}\n  host: ${H}\nstore:\n  path: ${D}/db\n", "env.yaml", {
      P: "7200",
      H: "12345",
      D: "/srv",
    });
    assert.equal(config.native.port, 7200);
    assert.equal(config.native.host, "12345", "a string key keeps a numeric-looking value as a string");
    assert.equal(config.store.path, "/srv/db");
  });

  it("never prints the value of a variable that fails as a string", () => {
    const error = problemsOf(() => parseConfig("log:\n  level: ${TOKEN}\n", "secret.yaml", { TOKEN: "s3cr3t-value" }));
    assert.doesNotMatch(error.message, /s3cr3t-value/);
    assert.match(error.message, /\$\{TOKEN\}/);
  });

  it("tells to quote a string value that YAML read as a number (a hex secret) or a boolean", () => {
    const error = problemsOf(() => parseConfig("xmpp:\n  component:\n    domain: gw.example.org\n    secret: 123e4567\n", "switchboard.yaml", {}));
    assert.equal(error.problems.length, 1);
    assert.equal(error.problems[0]?.path, "xmpp.component.secret");
    assert.match(error.problems[0]?.message ?? "", /got Infinity \(YAML reads an unquoted value that looks like a number as one: put it in quotes\)$/);
  });

  it("throws a ConfigError with code GW_ERR_CONFIG and structured problems", () => {
    const error = problemsOf(() => parseConfig("native:\n  port: abc\n", "switchboard.yaml", {}));
    assert.equal(error.code, "GW_ERR_CONFIG");
    assert.equal(error.name, "ConfigError");
    assert.equal(error.source, "switchboard.yaml");
    assert.deepEqual(error.problems, [
      { path: "native.port", line: 2, column: 9, message: 'must be an integer between 0 and 65535, got "abc"' },
    ]);
  });
});

describe("config fixtures", () => {
  const validDir = join(fixtures, "valid");
  for (const file of readdirSync(validDir).filter((name) => name.endsWith(".yaml"))) {
    it(`accepts valid/${file}`, () => {
      parseConfig(readFileSync(join(validDir, file), "utf8"), file, ENV);
    });
  }

  const invalidDir = join(fixtures, "invalid");
  for (const file of readdirSync(invalidDir).filter((name) => name.endsWith(".yaml"))) {
    it(`rejects invalid/${file} with exactly the lines of its .expected.txt`, () => {
      const expected = readFileSync(join(invalidDir, file.replace(/\.yaml$/, ".expected.txt")), "utf8").trimEnd();
      const error = problemsOf(() => parseConfig(readFileSync(join(invalidDir, file), "utf8"), file, ENV));
      assert.equal(error.message, expected);
    });
  }

  it("reads valid/env-substitution.yaml's string, number, boolean and literal ${", () => {
    const text = readFileSync(join(validDir, "env-substitution.yaml"), "utf8");
    const config = parseConfig(text, "env-substitution.yaml", ENV);
    assert.equal(config.store.path, "/var/lib/switchboard/switchboard.db");
    assert.equal(config.native.port, 7200);
    assert.equal(config.native.enabled, false);
    assert.equal(config.native.host, "::1");
    assert.equal(config.native.path, "/chat/${room}");
  });

  it("reads empty sections, comments-only and null documents as all defaults", () => {
    for (const file of ["empty-sections.yaml", "comments-only.yaml", "null-document.yaml", "empty.yaml"]) {
      assert.deepEqual(parseConfig(readFileSync(join(validDir, file), "utf8"), file, {}), DEFAULTS, file);
    }
  });
});

/**
 * The example's commented-out `networks:` block under `irc:`, uncommented (the first "# " of each line
 * removed), as a document of its own whose line 1 is `irc:`; `firstLine` is the file's line of that line.
 */
function exampleIrcNetworks(): { text: string; firstLine: number } {
  const lines = readFileSync(examplePath, "utf8").split("\n");
  const start = lines.indexOf("  # networks:");
  assert.ok(start > 0 && lines.slice(0, start).includes("irc:"), "the example has no commented networks: block under irc:");
  const block: string[] = [];
  for (const line of lines.slice(start)) {
    if (!line.startsWith("  #")) break;
    block.push(line.replace(/^ {2}# ?/, "  "));
  }
  return { text: ["irc:", ...block, ""].join("\n"), firstLine: start };
}

/** A network with every default, as parseConfig returns it. */
function minimalNetwork(name: string, host: string, nick: string, channels: IrcNetworkConfig["channels"] = []): IrcNetworkConfig {
  return {
    name,
    host,
    port: 6667,
    tls: { enabled: false, verify: true, ca_file: "", client_cert_file: "", client_key_file: "" },
    password: "",
    sasl: { mechanism: "none", username: "", password: "" },
    nick,
    username: "switchboard",
    realname: "Switchboard gateway",
    mode: "puppets",
    puppets: { nick_template: "{name}[sb]", idle_timeout_seconds: 3600, max_connections: 50, connect_interval_ms: 200 },
    channels,
    encoding_fallback: "windows-1252",
    flood: { burst: 5, lines_per_second: 2 },
    max_lines_per_message: 5,
    relay_format: { text: "<{name}> ", action: "{name} " },
    reactions: "text",
    ignore_nicks: [],
    presence_poll_seconds: 60,
    presence_hold_seconds: 30,
    netsplit_hold_seconds: 60,
    open_channels: false,
    open_channels_for: ["*"],
    open_channels_max: 50,
    link_accounts: "when_logged_in",
    membership: { relay: true, leave_hold_seconds: 15, flap_changes: 4, flap_window_seconds: 600 },
    connect_timeout_seconds: 20,
    webirc: { password: "", gateway: "switchboard", ipv6_prefix: "", host_suffix: "" },
  };
}

/** A configuration of IRC networks, each given as the YAML lines of its entry below `- name: <name>`. */
function ircYaml(...networks: { readonly name: string; readonly lines: readonly string[] }[]): string {
  const entries = networks.flatMap(({ name, lines }) => [`    - name: ${name}`, ...lines.map((line) => `      ${line}`)]);
  return ["irc:", "  networks:", ...entries, ""].join("\n");
}

/** The problems of an IRC configuration, as [path, message] pairs. */
function ircProblems(text: string, env: Record<string, string> = {}): [string, string][] {
  return problemsOf(() => parseConfig(text, "irc.yaml", env)).problems.map((problem) => [problem.path, problem.message]);
}

const BASE = ["host: irc.example.org", "nick: switchboard"];

describe("irc", () => {
  it("fills every default into a network given by name, host and nick, and into its channels", () => {
    const config = parseConfig(ircYaml({ name: "libera", lines: [...BASE, "channels:", '  - channel: "#dev"', "    room: dev"] }), "irc.yaml", {});
    assert.deepEqual(config.irc, { networks: [minimalNetwork("libera", "irc.example.org", "switchboard", [{ channel: "#dev", room: "dev", key: "", membership: true }])], servers_on_demand: DEFAULTS.irc.servers_on_demand });
    assert.ok(Object.isFrozen(config.irc.networks[0]?.channels[0]));
  });

  it("reads a full network, secrets from the environment, and empty sections of a network as all defaults", () => {
    const text = ircYaml({
      name: "oftc",
      lines: [
        "host: irc.oftc.net",
        "port: 6697",
        "tls:",
        "  enabled: true",
        "  verify: false",
        "  ca_file: /etc/ssl/oftc.pem",
        "  client_cert_file: /etc/switchboard/oftc.crt",
        "  client_key_file: /etc/switchboard/oftc.key",
        "password: ${SWITCHBOARD_IRC_PASSWORD}",
        "sasl:",
        "  mechanism: EXTERNAL",
        "nick: sb",
        "username: gw",
        "realname: The gateway",
        "mode: relay",
        "puppets:",
        "  # every key commented out",
        "channels:",
        '  - channel: "&Local"',
        "    room: local",
        "    key: ${SWITCHBOARD_IRC_PASSWORD}",
        "encoding_fallback: iso-8859-15",
        "flood:",
        "  burst: 10",
        "  lines_per_second: 0.5",
        "max_lines_per_message: 100",
        "relay_format:",
        '  text: "[{network}] {name}: "',
        "presence_poll_seconds: 5",
        "connect_timeout_seconds: 300",
        "webirc:",
        "  password: ${SWITCHBOARD_IRC_PASSWORD}",
        "  ipv6_prefix: fd00:5b::/64",
        "  host_suffix: users.example.org",
      ],
    });
    const config = parseConfig(text, "irc.yaml", { SWITCHBOARD_IRC_PASSWORD: "0123" });
    assert.deepEqual(config.irc.networks, [
      {
        name: "oftc",
        host: "irc.oftc.net",
        port: 6697,
        tls: { enabled: true, verify: false, ca_file: "/etc/ssl/oftc.pem", client_cert_file: "/etc/switchboard/oftc.crt", client_key_file: "/etc/switchboard/oftc.key" },
        password: "0123",
        sasl: { mechanism: "EXTERNAL", username: "", password: "" },
        nick: "sb",
        username: "gw",
        realname: "The gateway",
        mode: "relay",
        puppets: { nick_template: "{name}[sb]", idle_timeout_seconds: 3600, max_connections: 50, connect_interval_ms: 200 },
        channels: [{ channel: "&Local", room: "local", key: "0123", membership: true }],
        encoding_fallback: "iso-8859-15",
        flood: { burst: 10, lines_per_second: 0.5 },
        max_lines_per_message: 100,
        relay_format: { text: "[{network}] {name}: ", action: "{name} " },
        reactions: "text",
        ignore_nicks: [],
        presence_poll_seconds: 5,
        presence_hold_seconds: 30,
        netsplit_hold_seconds: 60,
        open_channels: false,
        open_channels_for: ["*"],
        open_channels_max: 50,
        link_accounts: "when_logged_in",
        membership: { relay: true, leave_hold_seconds: 15, flap_changes: 4, flap_window_seconds: 600 },
        connect_timeout_seconds: 300,
        webirc: { password: "0123", gateway: "switchboard", ipv6_prefix: "fd00:5b::/64", host_suffix: "users.example.org" },
      },
    ]);
  });

  it("has the same enums as the types", () => {
    const modes: readonly IrcNetworkConfig["mode"][] = ["puppets", "relay"];
    const mechanisms: readonly IrcNetworkConfig["sasl"]["mechanism"][] = ["none", "PLAIN", "EXTERNAL"];
    assert.deepEqual(schemaAt(["irc", "networks", "[]", "mode"]).enum, modes);
    assert.deepEqual(schemaAt(["irc", "networks", "[]", "sasl", "mechanism"]).enum, mechanisms);
  });

  it("has no default only for a network's name, host and nick and a channel's channel and room", () => {
    const network = schemaAt(["irc", "networks", "[]"]);
    const withoutDefault = schemaPaths(network, [], true).filter((path) => (schemaAt(path, network) as { default?: unknown }).default === undefined);
    assert.deepEqual(withoutDefault.map((path) => path.join(".")), ["name", "host", "nick", "channels.[].channel", "channels.[].room"]);
  });

  it("requires name, host and nick, pointing at the network", () => {
    const error = problemsOf(() => parseConfig("irc:\n  networks:\n    - port: 6697\n", "irc.yaml", {}));
    assert.deepEqual(error.problems, [
      { path: "irc.networks.0.name", line: 3, column: 7, message: 'required key "name" is missing' },
      { path: "irc.networks.0.host", line: 3, column: 7, message: 'required key "host" is missing' },
      { path: "irc.networks.0.nick", line: 3, column: 7, message: 'required key "nick" is missing' },
    ]);
  });

  it("refuses an unknown key of a network, of its sections and of a channel, naming it", () => {
    const text = ircYaml({ name: "libera", lines: [...BASE, "prot: 6697", "tls:", "  enable: true", "channels:", '  - channel: "#dev"', "    room: dev", "    password: x"] });
    const error = problemsOf(() => parseConfig(text, "irc.yaml", {}));
    assert.deepEqual(
      error.problems.map((problem) => [problem.path, problem.line, problem.column]),
      [
        ["irc.networks.0.prot", 6, 7],
        ["irc.networks.0.tls.enable", 8, 9],
        ["irc.networks.0.channels.0.password", 12, 11],
      ],
    );
    assert.match(error.problems[0]?.message ?? "", /^unknown key "prot"; expected one of: name, host, port, tls, password, sasl, nick, /);
    assert.equal(error.problems[1]?.message, 'unknown key "enable"; expected one of: enabled, verify, ca_file, client_cert_file, client_key_file');
    assert.equal(error.problems[2]?.message, 'unknown key "password"; expected one of: channel, room, key, membership');
  });

  it("refuses bad channel names, room names, nicks and network names, naming the key", () => {
    const text = [
      "irc:",
      "  networks:",
      "    - name: -libera",
      "      host: irc.example.org",
      "      nick: 9lives",
      "      channels:",
      "        - channel: dev",
      "          room: dev",
      '        - channel: "#a,#b"',
      "          room: a b",
      '        - channel: "#"',
      "          room: ok",
      "",
    ].join("\n");
    assert.deepEqual(ircProblems(text), [
      ["irc.networks.0.name", "must be a string matching the pattern ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$, got \"-libera\""],
      ["irc.networks.0.nick", "must be a string matching the pattern ^[A-Za-z\\[\\]\\\\`_^{|}][A-Za-z0-9\\[\\]\\\\`_^{|}-]{0,29}$, got \"9lives\""],
      ["irc.networks.0.channels.0.channel", "must be a string matching the pattern ^[#&][^\\s,\\x00\\x07]{1,199}$, got \"dev\""],
      ["irc.networks.0.channels.1.channel", "must be a string matching the pattern ^[#&][^\\s,\\x00\\x07]{1,199}$, got \"#a,#b\""],
      ["irc.networks.0.channels.1.room", "must be a string matching the pattern ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$, got \"a b\""],
      ["irc.networks.0.channels.2.channel", "must be a string matching the pattern ^[#&][^\\s,\\x00\\x07]{1,199}$, got \"#\""],
    ]);
  });

  it("refuses a webirc block in use without an IPv6 prefix of /64 or shorter, here and for servers on demand", () => {
    const network = (prefix: string): string => ircYaml({ name: "n", lines: [...BASE, "webirc:", "  password: ${W}", `  ipv6_prefix: "${prefix}"`] });
    parseConfig(network("fd00:5b::/64"), "irc.yaml", { W: "pw" });
    parseConfig(network("fd00:5b::/48"), "irc.yaml", { W: "pw" });
    parseConfig(network(""), "irc.yaml", { W: "" });
    for (const prefix of ["", "fd00:5b::/96", "fd00::5b::/64"]) {
      assert.deepEqual(ircProblems(network(prefix), { W: "pw" }).map(([path]) => path), ["irc.networks.0.webirc.ipv6_prefix"], prefix);
    }
    const onDemand = ["irc:", "  servers_on_demand:", "    webirc:", "      password: pw", "      ipv6_prefix: fd00::/120", ""].join("\n");
    assert.deepEqual(ircProblems(onDemand).map(([path]) => path), ["irc.servers_on_demand.webirc.ipv6_prefix"]);
  });

  it("refuses servers on demand a webirc password while an allow pattern lets through hosts of any domain", () => {
    const onDemand = (allow: string[], password = "pw"): string =>
      ["irc:", "  servers_on_demand:", "    enabled: true", `    allow: ${JSON.stringify(allow)}`, "    webirc:", `      password: "${password}"`, "      ipv6_prefix: fd00:5b::/64", ""].join("\n");
    parseConfig(onDemand(["*.libera.chat", "irc.oftc.net", "irc?.example.co.uk"]), "irc.yaml", {});
    parseConfig(onDemand(["*"], ""), "irc.yaml", {});
    const refused = ["*", "irc.*", "*.chat", "*.co.uk", "*oftc.net", "irc.example.*"];
    assert.deepEqual(
      ircProblems(onDemand(["*.libera.chat", ...refused])).map(([path]) => path),
      refused.map((_, index) => `irc.servers_on_demand.allow.${index + 1}`),
    );
  });

  it("gives servers on demand the webirc block set for them, and none (no password) by default", () => {
    const text = ["irc:", "  servers_on_demand:", "    webirc:", "      password: pw", "      ipv6_prefix: fd00:5b::/64", ""].join("\n");
    const block = parseConfig(text, "irc.yaml", {}).irc.servers_on_demand;
    assert.deepEqual(onDemandNetworkConfig(block, "irc.example.org", 6697).webirc, { password: "pw", gateway: "switchboard", ipv6_prefix: "fd00:5b::/64", host_suffix: "" });
    assert.equal(onDemandNetworkConfig(DEFAULTS.irc.servers_on_demand, "irc.example.org", 6697).webirc.password, "");
  });

  it("accepts nicks of RFC 2812 up to 30 characters", () => {
    for (const nick of ["a", "[sb]", "`_^{|}\\-9", "a".repeat(30)]) {
      parseConfig(ircYaml({ name: "n", lines: ["host: h", `nick: '${nick}'`] }), "irc.yaml", {});
    }
    assert.deepEqual(ircProblems(ircYaml({ name: "n", lines: ["host: h", `nick: ${"a".repeat(31)}`] })).map(([path]) => path), ["irc.networks.0.nick"]);
  });

  it("refuses a server password with a line break, which would end the PASS line", () => {
    assert.deepEqual(ircProblems(ircYaml({ name: "n", lines: [...BASE, "password: ${P}"] }), { P: "a\r\nQUIT" }), [
      ["irc.networks.0.password", "must be a string matching the pattern ^[^\\r\\n\\x00]*$ of at most 1024 characters, got a string from ${P} (not shown: it may be a secret)"],
    ]);
  });

  describe("cross-checks", () => {
    it("refuses two networks of the same name, compared case-insensitively", () => {
      const text = ircYaml({ name: "libera", lines: BASE }, { name: "oftc", lines: BASE }, { name: "Libera", lines: BASE });
      const error = problemsOf(() => parseConfig(text, "irc.yaml", {}));
      assert.deepEqual(error.problems, [{ path: "irc.networks.2.name", line: 9, column: 13, message: 'must be unique (compared case-insensitively): irc.networks.0 is named "libera"' }]);
    });

    it("requires a password with SASL PLAIN, and PLAIN when a SASL password is set", () => {
      assert.deepEqual(ircProblems(ircYaml({ name: "a", lines: [...BASE, "tls:", "  enabled: true", "sasl:", "  mechanism: PLAIN", "  username: gw"] })), [
        ["irc.networks.0.sasl.password", "must be set when sasl.mechanism is PLAIN"],
      ]);
      assert.deepEqual(ircProblems(ircYaml({ name: "a", lines: [...BASE, "sasl:", "  password: ${PW}"] }), { PW: "hunter2" }), [
        ["irc.networks.0.sasl.mechanism", 'must be PLAIN when sasl.password is set: with "none" the password is never sent'],
      ]);
    });

    it("refuses a password sent in clear to anything but loopback: SASL PLAIN or the server password without TLS", () => {
      const must = "must be true when a password is sent (sasl.mechanism PLAIN or password) to irc.example.org: in clear anyone on the way reads it. Only a loopback host (a local TLS tunnel such as stunnel) is exempt";
      const plain = ["sasl:", "  mechanism: PLAIN", "  password: ${PW}"];
      assert.deepEqual(ircProblems(ircYaml({ name: "a", lines: [...BASE, ...plain] }), { PW: "hunter2" }), [["irc.networks.0.tls.enabled", must]]);
      assert.deepEqual(ircProblems(ircYaml({ name: "a", lines: [...BASE, "password: ${PW}"] }), { PW: "hunter2" }), [["irc.networks.0.tls.enabled", must]]);
      parseConfig(ircYaml({ name: "a", lines: [...BASE, "tls:", "  enabled: true", ...plain] }), "irc.yaml", { PW: "hunter2" });
      for (const host of ["127.0.0.1", "localhost", "::1"]) {
        assert.equal(parseConfig(ircYaml({ name: "a", lines: [`host: '${host}'`, "nick: gw", "password: ${PW}", ...plain] }), "irc.yaml", { PW: "hunter2" }).irc.networks[0]?.host, host);
      }
    });

    it("requires TLS and a client certificate with its key for SASL EXTERNAL", () => {
      assert.deepEqual(ircProblems(ircYaml({ name: "a", lines: [...BASE, "sasl:", "  mechanism: EXTERNAL"] })), [
        ["irc.networks.0.tls.enabled", "must be true when sasl.mechanism is EXTERNAL (the login is the TLS client certificate)"],
        ["irc.networks.0.tls.client_cert_file", "must be set when sasl.mechanism is EXTERNAL (the login is this certificate)"],
        ["irc.networks.0.tls.client_key_file", "must be set when sasl.mechanism is EXTERNAL (the key of tls.client_cert_file)"],
      ]);
      const error = problemsOf(() =>
        parseConfig(ircYaml({ name: "a", lines: [...BASE, "tls:", "  enabled: true", "  client_cert_file: gw.crt", "sasl:", "  mechanism: EXTERNAL"] }), "irc.yaml", {}),
      );
      assert.deepEqual(error.problems, [
        { path: "irc.networks.0.tls.client_key_file", line: 6, column: 7, message: "must be set when tls.client_cert_file is set (a certificate is used with its private key)" },
      ]);
    });

    it("requires a client certificate and its key together", () => {
      assert.deepEqual(ircProblems(ircYaml({ name: "a", lines: [...BASE, "tls:", "  client_key_file: gw.key"] })), [
        ["irc.networks.0.tls.client_cert_file", "must be set when tls.client_key_file is set (a private key is used with its certificate)"],
      ]);
      assert.deepEqual(ircProblems(ircYaml({ name: "a", lines: [...BASE, "tls:", "  client_cert_file: gw.crt"] })), [
        ["irc.networks.0.tls.client_key_file", "must be set when tls.client_cert_file is set (a certificate is used with its private key)"],
      ]);
    });

    it("accepts the fallback encodings the IRC adapter decodes and refuses the others", () => {
      for (const label of ["windows-1252", "latin1", "ISO-8859-15", "koi8-r", "shift_jis", "gb18030", "utf-8"]) {
        const config = parseConfig(ircYaml({ name: "a", lines: [...BASE, `encoding_fallback: ${label}`] }), "irc.yaml", {});
        assert.equal(config.irc.networks[0]?.encoding_fallback, label);
      }
      for (const label of ["utf-16le", "klingon", "replacement"]) {
        const error = problemsOf(() => parseConfig(ircYaml({ name: "a", lines: [...BASE, `encoding_fallback: ${label}`] }), "irc.yaml", {}));
        assert.deepEqual(error.problems, [
          {
            path: "irc.networks.0.encoding_fallback",
            line: 6,
            column: 26,
            message: `must be an encoding label that Node.js decodes and that keeps ASCII as ASCII (windows-1252, iso-8859-15, koi8-r, shift_jis...), got "${label}"`,
          },
        ]);
      }
    });

    it("requires a nick template with {name} once, known placeholders and nick characters", () => {
      const problem = (template: string): [string, string][] => ircProblems(ircYaml({ name: "a", lines: [...BASE, "puppets:", `  nick_template: '${template}'`] }));
      assert.deepEqual(problem("sb-{nick}"), [["irc.networks.0.puppets.nick_template", 'must use only the placeholders {name} and {network}, got {nick} in "sb-{nick}"']]);
      assert.deepEqual(problem("[sb]"), [["irc.networks.0.puppets.nick_template", 'must contain {name} exactly once, got "[sb]"']]);
      assert.deepEqual(problem("{name}{name}"), [["irc.networks.0.puppets.nick_template", 'must contain {name} exactly once, got "{name}{name}"']]);
      assert.deepEqual(problem("{name}@sb"), [
        ["irc.networks.0.puppets.nick_template", 'must hold only characters a nick may hold besides its placeholders (letters, digits, [ ] \\ ` _ ^ { | } -), got "@" in "{name}@sb"'],
      ]);
      parseConfig(ircYaml({ name: "a", lines: [...BASE, "puppets:", "  nick_template: '{name}|{network}'"] }), "irc.yaml", {});
    });

    it("says that an unquoted # started a comment where a channel came out empty", () => {
      const [problem] = ircProblems(ircYaml({ name: "a", lines: [...BASE, "channels:", "  - channel: #dev", "    room: dev"] }));
      assert.equal(problem?.[0], "irc.networks.0.channels.0.channel");
      assert.match(problem?.[1] ?? "", /got an empty value \(in YAML an unquoted # starts a comment: quote the value, as in "#dev"\)$/);
      // A value missing without a comment gets no such hint.
      const [plain] = ircProblems(ircYaml({ name: "a", lines: [...BASE, "channels:", "  - channel:", "    room: dev"] }));
      assert.match(plain?.[1] ?? "", /got an empty value$/);
    });

    it("requires relay formats that name the sender, with known placeholders only, and no control characters", () => {
      const problem = (line: string): [string, string][] => ircProblems(ircYaml({ name: "a", lines: [...BASE, "relay_format:", line] }));
      assert.deepEqual(problem("  text: '<someone> '"), [["irc.networks.0.relay_format.text", 'must contain {name} (the sender\'s name), got "<someone> "']]);
      assert.deepEqual(problem("  action: '{nick} does '"), [["irc.networks.0.relay_format.action", 'must use only the placeholders {name} and {network}, got {nick} in "{nick} does "']]);
      assert.equal(problem('  text: "<{name}>\\r\\nQUIT "')[0]?.[0], "irc.networks.0.relay_format.text");
      const bot = (line: string): [string, string][] =>
        problemsOf(() => parseConfig(["xmpp:", "  bots:", "    - account: bot", "      jid: bot@example.org", "      password: x", "      service: xmpps://example.org", "      relay_format:", line, "      rooms: []"].join("\n"), "bot.yaml", {})).problems.map((entry) => [entry.path, entry.message]);
      assert.deepEqual(bot("        text: '[{network}]'"), [["xmpp.bots.0.relay_format.text", 'must contain {name} (the sender\'s name), got "[{network}]"']]);
      parseConfig(ircYaml({ name: "a", lines: [...BASE, "relay_format:", "  text: '[{network}] <{name}> '", "  action: '* {name} ({network}) '"] }), "irc.yaml", {});
    });

    it("refuses a channel listed twice and a room bridged twice in one network, but not across networks", () => {
      const channels = ["channels:", '  - channel: "#Dev"', "    room: dev", '  - channel: "#dev"', "    room: dev2", '  - channel: "#ops"', "    room: DEV"];
      const error = problemsOf(() => parseConfig(ircYaml({ name: "a", lines: [...BASE, ...channels] }), "irc.yaml", {}));
      assert.deepEqual(error.problems, [
        { path: "irc.networks.0.channels.1.channel", line: 9, column: 20, message: 'must be listed once per network: "#dev" is already channels.0 (compared case-insensitively)' },
        { path: "irc.networks.0.channels.2.room", line: 12, column: 17, message: 'must be bridged once per network: "DEV" is already the room of channels.0' },
      ]);
      const bridge = ["channels:", '  - channel: "#dev"', "    room: dev"];
      parseConfig(ircYaml({ name: "a", lines: [...BASE, ...bridge] }, { name: "b", lines: [...BASE, ...bridge] }), "irc.yaml", {});
    });
  });
});

describe("loadConfigFile", () => {
  it("names the file by the path it was given", async () => {
    const path = join(fixtures, "invalid", "port-out-of-range.yaml");
    await assert.rejects(loadConfigFile(path, {}), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.message, `${path}:3:9: native.port: must be an integer between 0 and 65535, got 70000`);
      return true;
    });
  });

  it("reports a missing file as a ConfigError", async () => {
    await assert.rejects(loadConfigFile(join(fixtures, "no-such-file.yaml"), {}), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /no-such-file\.yaml: cannot read the configuration file: ENOENT/);
      return true;
    });
  });
});

describe("shipped configuration files", () => {
  it("config/default.yaml loads to the defaults: native on 127.0.0.1:7117, sqlite at ./data/switchboard.db", async () => {
    assert.equal(basename(fileURLToPath(DEFAULT_CONFIG_URL)), "default.yaml");
    assert.deepEqual(await loadDefaultConfig({}), DEFAULTS);
  });

  it("config/switchboard.example.yaml is valid", async () => {
    const config = await loadConfigFile(examplePath, {});
    assert.equal(config.native.port, 7117);
  });

  it("docs/config.md documents every schema key by its dotted path", () => {
    const docs = readFileSync(join(root, "docs/config.md"), "utf8");
    for (const path of schemaPaths(configSchema())) {
      if (schemaAt(path).type === "object") continue;
      assert.ok(docs.includes("`" + path.join(".") + "`"), `docs/config.md lacks ${path.join(".")}`);
    }
  });

  it("config/switchboard.example.yaml writes out every schema key, each under a comment", () => {
    const text = readFileSync(examplePath, "utf8");
    const doc = parseDocument(text, { keepSourceTokens: false });
    for (const path of schemaPaths(configSchema())) assertCommented(text, doc, path, path.join("."));
  });

  it("docs/config.md has a row for every key of an IRC network and of its channels", () => {
    const docs = readFileSync(join(root, "docs/config.md"), "utf8");
    for (const path of schemaPaths(configSchema(), [], true).filter((each) => each.slice(0, 3).join(".") === "irc.networks.[]")) {
      if (schemaAt(path).type === "object") continue;
      assert.ok(docs.includes("| `" + docsName(path) + "` |"), `docs/config.md lacks a row for ${docsName(path)}`);
    }
  });

  it("config/switchboard.example.yaml's commented IRC network is valid and writes out every key, each under a comment", () => {
    const { text, firstLine } = exampleIrcNetworks();
    const doc = parseDocument(text);
    const network = schemaAt(["irc", "networks", "[]"]);
    for (const path of schemaPaths(network, [], true)) {
      const at = ["irc", "networks", 0, ...path.map((key) => (key === "[]" ? 0 : key))];
      assertCommented(text, doc, at, docsName(["irc", "networks", "[]", ...path]), firstLine);
    }
    const config = parseConfig(text, "example irc", { SWITCHBOARD_IRC_SASL_PASSWORD: "secret" });
    assert.deepEqual(config.irc.networks, [
      {
        ...minimalNetwork("libera", "irc.libera.chat", "switchboard", [{ channel: "#switchboard", room: "switchboard", key: "", membership: true }]),
        port: 6697,
        tls: { ...minimalNetwork("", "", "").tls, enabled: true },
        sasl: { mechanism: "PLAIN", username: "switchboard", password: "secret" },
      },
    ]);
  });
});
