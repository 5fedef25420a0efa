import assert from "node:assert/strict";
import { ConfigError, configSchema, parseConfig } from "../../../src/config/load-config.js";
import { HostPatterns, isHostName } from "../../../src/config/host-patterns.js";

function problems(lines: readonly string[]): [string, string][] {
  try {
    parseConfig(["irc:", "  servers_on_demand:", ...lines.map((line) => `    ${line}`), ""].join("\n"), "od.yaml", {});
  } catch (error: unknown) {
    if (error instanceof ConfigError) return error.problems.map((problem) => [problem.path, problem.message]);
    throw error;
  }
  return [];
}

describe("irc.servers_on_demand in the configuration", () => {
  it("is off by default, and takes a block with its puppets' keys and defaults", () => {
    const config = parseConfig(["irc:", "  servers_on_demand:", "    enabled: true", '    allow: ["*.libera.chat"]', "    ports: [6697, 7000]", "    puppets:", "      idle_timeout_seconds: 60"].join("\n"), "od.yaml", {});
    const block = config.irc.servers_on_demand;
    assert.deepEqual([block.enabled, block.allow, block.ports, block.tls], [true, ["*.libera.chat"], [6697, 7000], { enabled: true, verify: true, ca_file: "" }]);
    assert.deepEqual(block.puppets, { nick_template: "{name}[sb]", idle_timeout_seconds: 60, max_connections: 50, connect_interval_ms: 200 });
    assert.equal(parseConfig("", "empty.yaml", {}).irc.servers_on_demand.enabled, false);
  });

  it("has the puppet keys of irc.networks[], with the same ranges and defaults", () => {
    const irc = configSchema().properties?.["irc"]?.properties;
    const strip = (node: unknown): unknown => JSON.parse(JSON.stringify(node, (key, value: unknown) => (key === "description" ? undefined : value)));
    assert.deepEqual(strip(irc?.["servers_on_demand"]?.properties?.["puppets"]), strip(irc?.["networks"]?.items?.properties?.["puppets"]));
  });

  it("names the key of each mistake", () => {
    assert.deepEqual(problems(["enabled: true"]), [["irc.servers_on_demand.allow", 'must list at least one host pattern when irc.servers_on_demand.enabled is true ("*.libera.chat")']]);
    assert.deepEqual(
      problems(['allow: ["irc.example.org"]', "puppets:", "  nick_template: '{nick}'"]),
      [["irc.servers_on_demand.puppets.nick_template", 'must use only the placeholders {name} and {network}, got {nick} in "{nick}"']],
    );
    assert.deepEqual(problems(["ports: []"]).map(([path]) => path), ["irc.servers_on_demand.ports"]);
    assert.deepEqual(problems(["ports: [70000]"]).map(([path]) => path), ["irc.servers_on_demand.ports.0"]);
    assert.deepEqual(problems(['allow: ["irc example.org"]']).map(([path]) => path), ["irc.servers_on_demand.allow.0"]);
    assert.deepEqual(problems(["max_servers: 0"]).map(([path]) => path), ["irc.servers_on_demand.max_servers"]);
    assert.deepEqual(problems(["idle: 5"]).map(([path]) => path), ["irc.servers_on_demand.idle"]);
  });
});

describe("which hosts servers on demand may reach (HostPatterns)", () => {
  it("lets through a host that an allow pattern matches, case-insensitively, with * over dots too", () => {
    const patterns = new HostPatterns(["*.libera.chat", "irc.oftc.net", "irc?.example.org"], []);
    for (const host of ["irc.libera.chat", "eu.irc.libera.chat", "IRC.Libera.Chat", "irc.oftc.net", "irc1.example.org"]) assert.equal(patterns.verdict(host), "allowed", host);
    for (const host of ["libera.chat", "irc.libera.chat.evil.org", "xirc.oftc.net", "irc.oftc.net.", "irc12.example.org", "irc.example.org"]) assert.equal(patterns.verdict(host), "not-allowed", host);
  });

  it("refuses a denied host even when allowed", () => {
    const patterns = new HostPatterns(["*"], ["*.example.net", "10.*"]);
    assert.deepEqual(["irc.example.org", "irc.example.net", "10.0.0.1"].map((host) => patterns.verdict(host)), ["allowed", "denied", "denied"]);
    assert.equal(new HostPatterns([], []).verdict("irc.example.org"), "not-allowed");
  });

  it("knows a host name or IPv4 address from anything else", () => {
    for (const host of ["irc.libera.chat", "localhost", "127.0.0.1", "a-b.example", "x1.y2"]) assert.equal(isHostName(host), true, host);
    for (const host of ["", "-irc.example.org", "irc-.example.org", "irc..example.org", "irc.example.org.", "256.1.1.1", "1.2.3", "irc_x.example.org", "a".repeat(64) + ".org"]) assert.equal(isHostName(host), false, host);
  });
});
