import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isMap, parseDocument } from "yaml";
import {
  ConfigError,
  configSchema,
  loadConfigFile,
  loadDefaultConfig,
  parseConfig,
  DEFAULT_CONFIG_URL,
} from "../../../src/config/load-config.js";
import { LOG_LEVELS, REGISTRATION_MODES, STORE_DRIVERS, type LogLevel, type SwitchboardConfig } from "../../../src/config/config-types.js";
import type { SchemaNode } from "../../../src/config/problems.js";

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
};

/**
 * The defaults, written as a SwitchboardConfig: the compiler checks that this literal is exactly the type
 * (no missing, no extra key), and the test below that it is exactly what the schema fills into an empty
 * document. Together they bind the hand-written type to the schema.
 */
const DEFAULTS: SwitchboardConfig = {
  log: { level: "info" },
  store: { driver: "sqlite", path: "./data/switchboard.db" },
  native: {
    enabled: true,
    host: "127.0.0.1",
    port: 7117,
    path: "/",
    max_frame_bytes: 65536,
    rate_limit: { frames_per_second: 100, burst: 200 },
    registration: "open",
    login_attempts: { max: 5, window_seconds: 60 },
    ping_interval_seconds: 30,
    max_connections: 10000,
  },
  outbox: { expire_after_seconds: 604800, retry_interval_seconds: 30 },
  shutdown: { drain_timeout_ms: 3000 },
  xmpp: {
    component: { enabled: false, domain: "switchboard.localhost", host: "127.0.0.1", port: 5347, secret: "", name: "Switchboard", messages_from: "contacts" },
    bots: [],
    user_accounts: { enabled: false, credential_key: "" },
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

function schemaAt(path: readonly string[]): SchemaNode {
  let node = configSchema();
  for (const key of path) {
    const child = node.properties?.[key];
    assert.ok(child, `schema has no key ${path.join(".")}`);
    node = child;
  }
  return node;
}

/** Every key path of the schema, sections included, in schema order. */
function schemaPaths(node: SchemaNode, prefix: string[] = []): string[][] {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => [[...prefix, key], ...schemaPaths(child, [...prefix, key])]);
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
    const lines = text.split("\n");
    const doc = parseDocument(text, { keepSourceTokens: false });
    for (const path of schemaPaths(configSchema())) {
      const name = path.join(".");
      assert.ok(doc.hasIn(path), `the example lacks ${name}`);
      const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
      assert.ok(isMap(parent), `${name}: parent is not a mapping`);
      const pair = parent.items.find((item) => String((item.key as { value?: unknown }).value) === path[path.length - 1]);
      const offset = (pair?.key as { range?: [number, number, number] } | undefined)?.range?.[0] ?? -1;
      const lineIndex = text.slice(0, offset).split("\n").length - 1;
      assert.match(lines[lineIndex - 1] ?? "", /^\s*#/, `${name} (line ${lineIndex + 1}) has no comment above it`);
    }
  });
});
