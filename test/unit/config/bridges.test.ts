import assert from "node:assert/strict";
import { resolveBridges } from "../../../src/config/bridges.js";
import { ConfigError, parseConfig } from "../../../src/config/load-config.js";

const NETWORKS = [
  "xmpp:",
  "  bots:",
  "    - account: bridgebot",
  "      jid: bot@example.org",
  "      password: secret",
  "      service: xmpps://example.org:5223",
  "      rooms: []",
  "irc:",
  "  networks:",
  "    - name: libera",
  "      host: irc.libera.chat",
  "      nick: sb",
  "      channels:",
  '        - channel: "#old"',
  "          room: old",
];

function withBridges(...lines: string[]): string {
  return [...NETWORKS, "bridges:", ...lines, ""].join("\n");
}

describe("bridges in the configuration", () => {
  it("adds each bridged channel to its IRC network and each MUC to its bridge bot", () => {
    const config = parseConfig(withBridges("  - room: dev", "    with:", "      - irc://libera/#dev", "      - xmpp://bridgebot/Dev@conference.example.org"), "b.yaml", {});
    assert.deepEqual(config.bridges, [{ room: "dev", with: ["irc://libera/#dev", "xmpp://bridgebot/Dev@conference.example.org"], nick: "switchboard", membership: true }]);
    const resolved = resolveBridges(config);
    assert.deepEqual(resolved.problems, []);
    assert.deepEqual(resolved.channels.get("libera"), [{ channel: "#dev", room: "dev", key: "", membership: true }]);
    assert.deepEqual(resolved.mucs.get("bridgebot"), [{ muc: "dev@conference.example.org", nick: "switchboard", room: "dev", membership: true, password: "" }]);
  });

  it("hands a bridge's membership switch to each of its channels and MUCs", () => {
    const config = parseConfig(withBridges("  - room: dev", "    membership: false", "    with:", "      - irc://libera/#dev", "      - xmpp://bridgebot/dev@conference.example.org"), "b.yaml", {});
    const resolved = resolveBridges(config);
    assert.deepEqual(resolved.channels.get("libera")?.map((channel) => channel.membership), [false]);
    assert.deepEqual(resolved.mucs.get("bridgebot")?.map((muc) => muc.membership), [false]);
  });

  it("names the entry that points at an unconfigured network or bot, a non-channel, or a channel bridged twice", () => {
    const text = withBridges(
      "  - room: dev",
      "    with:",
      "      - irc://oftc/#dev",
      "      - xmpp://nobot/dev@conference.example.org",
      "      - irc://libera/bob",
      "      - irc://libera/#OLD",
      "      - xmpp://bridgebot/dev@conference.example.org/nick",
    );
    assert.throws(
      () => parseConfig(text, "b.yaml", {}),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const messages = error.problems.map((problem) => `${problem.path}: ${problem.message}`).join("\n");
        assert.match(messages, /bridges\.0\.with\.0: names IRC network "oftc"/);
        assert.match(messages, /bridges\.0\.with\.1: names bridge bot "nobot"/);
        assert.match(messages, /bridges\.0\.with\.2: must name a channel/);
        assert.match(messages, /bridges\.0\.with\.3: #OLD on libera is bridged already/);
        assert.match(messages, /bridges\.0\.with\.4: must name a MUC by its bare JID/);
        return true;
      },
    );
  });
});
