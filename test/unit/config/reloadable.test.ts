import assert from "node:assert/strict";
import { changedPaths, restartOnlyChanges } from "../../../src/config/reloadable.js";
import { parseConfig } from "../../../src/config/load-config.js";

describe("what a reload of the configuration file applies, and what waits for a restart", () => {
  it("names each changed key path as deep as it changed, and an element added or taken out as a whole", () => {
    assert.deepEqual(changedPaths({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 3, 4] }, d: "x" }), ["b.c[1]", "b.c[2]", "d"]);
    assert.deepEqual(changedPaths({ a: [{ x: 1 }] }, { a: [] }), ["a[0]"]);
    assert.deepEqual(changedPaths({ a: 1 }, { a: 1 }), []);
  });

  it("leaves out the log level, admins and bridges, which a reload applies; a network's server or a new network waits", () => {
    const base = [
      "admins: [native:root]",
      "irc:",
      "  networks:",
      "    - name: libera",
      "      host: irc.example.org",
      "      nick: gw",
      "      channels:",
      '        - { channel: "#dev", room: dev }',
    ];
    const running = parseConfig(base.join("\n"), "test.yaml", {});
    const reloadable = parseConfig(
      ["log:\n  level: debug", "admins: [native:boss]", ...base.slice(1, 7), '        - { channel: "#ops", room: ops }', "bridges:", '  - { room: all, with: ["irc://libera/#all"] }'].join("\n"),
      "test.yaml",
      {},
    );
    assert.deepEqual(restartOnlyChanges(running, reloadable), []);
    const restart = parseConfig([...base.slice(0, 4), "      host: irc.other.org", ...base.slice(5), "    - name: oftc", "      host: irc.oftc.net", "      nick: gw"].join("\n"), "test.yaml", {});
    assert.deepEqual(restartOnlyChanges(running, restart), ["irc.networks.libera.host", "irc.networks.oftc"], "by name, not by position");
  });

  it("applies the users' limits (native.limits) at once, while the rest of native waits", () => {
    const running = parseConfig("native:\n  port: 7200\n", "test.yaml", {});
    const limits = parseConfig("native:\n  port: 7200\n  limits:\n    contacts: 5\n    rooms_created: 2\n    contact_requests_per_hour: 3\n", "test.yaml", {});
    assert.deepEqual(restartOnlyChanges(running, limits), []);
    const port = parseConfig("native:\n  port: 7201\n  limits:\n    contacts: 5\n", "test.yaml", {});
    assert.deepEqual(restartOnlyChanges(running, port), ["native.port"]);
  });

  it("applies the message log's age (store.message_log_max_age_days) at once, while the rest of store waits", () => {
    const running = parseConfig("store:\n  path: ./a.db\n", "test.yaml", {});
    assert.deepEqual(restartOnlyChanges(running, parseConfig("store:\n  path: ./a.db\n  message_log_max_age_days: 30\n", "test.yaml", {})), []);
    assert.deepEqual(restartOnlyChanges(running, parseConfig("store:\n  path: ./b.db\n  message_log_max_age_days: 30\n", "test.yaml", {})), ["store.path"]);
  });
});
