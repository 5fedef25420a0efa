/**
 * `switchboard user add|passwd|list`, run as the operator runs them (the CLI as a process of its own), against the
 * database of a daemon that runs meanwhile and without one: an account made with registration closed logs in at
 * once, a changed password counts at the next login without a restart, and every mistake is one line and exit 1.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Daemon, runCli as runProcess, type CommandResult } from "../helpers/daemon.js";
import { NativeClient } from "../helpers/native-client.js";

const PASSWORD = "correct horse battery";

/** Each command is a process of its own that loads the CLI: seconds each on a busy machine. */
function runCli(args: readonly string[], options: Parameters<typeof runProcess>[1] = {}): Promise<CommandResult> {
  return runProcess(args, { timeoutMs: 45_000, ...options });
}

function withPassword(password: string): NodeJS.ProcessEnv {
  return { ...process.env, SWITCHBOARD_PASSWORD: password };
}

/** The environment without SWITCHBOARD_PASSWORD, whatever the test runner's has: the password comes from stdin. */
function withoutPassword(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env["SWITCHBOARD_PASSWORD"];
  return env;
}

function assertRefused(result: CommandResult, message: RegExp, what: string): void {
  assert.equal(result.code, 1, `${what}: ${result.stderr}`);
  assert.match(result.stderr, message, what);
  assert.equal(result.stderr.split("\n").length, 2, `${what}: one line, got ${JSON.stringify(result.stderr)}`);
  assert.equal(result.stdout, "", what);
}

describe("switchboard user (the operator's account commands)", function () {
  this.timeout(120_000);
  let daemon: Daemon;
  const clients: NativeClient[] = [];

  before(async function () {
    daemon = Daemon.create("native:\n  port: 0\n  registration: closed\n");
    await daemon.start();
  });
  after(async function () {
    await Promise.all(clients.map((client) => client.close()));
    await daemon.dispose();
  });

  async function login(user: string, password: string): Promise<{ client: NativeClient; answer: Record<string, unknown> }> {
    const client = await NativeClient.connect(daemon.url);
    clients.push(client);
    await client.ok({ type: "hello", version: 1 });
    return { client, answer: await client.request({ type: "login", user, password }) };
  }

  it("makes an account while the daemon runs with registration closed, which logs in at once, and lists it", async function () {
    const added = await runCli(["user", "add", "Alice", "--config", daemon.configPath], { env: withPassword(PASSWORD) });
    assert.deepEqual([added.code, added.stdout, added.stderr], [0, "user alice created\n", ""]);
    const { answer } = await login("alice", PASSWORD);
    assert.deepEqual([answer["type"], answer["user"], answer["display_name"]], ["ok", "alice", "Alice"]);
    const listed = await runCli(["user", "list", `--config=${daemon.configPath}`]);
    assert.deepEqual([listed.code, listed.stdout], [0, "alice\n"]);
  });

  it("changes a password while the daemon runs: the new one logs in at once and the old one no more, without a restart", async function () {
    await runCli(["user", "add", "bob", "--config", daemon.configPath], { env: withPassword(PASSWORD) });
    const { client: before } = await login("bob", PASSWORD); // the daemon has read bob's hash once already
    const changed = await runCli(["user", "passwd", "BOB", "--config", daemon.configPath], { env: withoutPassword(), input: "a new password\nignored\n" });
    assert.deepEqual([changed.code, changed.stdout, changed.stderr], [0, "password of bob changed\n", ""]);
    assert.equal((await login("bob", "a new password")).answer["type"], "ok");
    assert.equal((await login("bob", PASSWORD)).answer["code"], "GW_ERR_AUTH_FAILED");
    // As documented: the CLI cannot reach the daemon, so a session open before stays until it ends.
    assert.equal((await before.request({ type: "contact.list" }))["type"], "ok");
  });

  it("refuses a taken name, an unknown name, a bad password or name and an unreadable config with one line and exit 1", async function () {
    await runCli(["user", "add", "carol", "--config", daemon.configPath], { env: withPassword(PASSWORD) });
    const config = ["--config", daemon.configPath];
    const [taken, unknown, short, badName, noConfig, noPassword] = await Promise.all([
      runCli(["user", "add", "CAROL", ...config], { env: withPassword(PASSWORD) }),
      runCli(["user", "passwd", "nobody", ...config], { env: withPassword(PASSWORD) }),
      runCli(["user", "passwd", "carol", ...config], { env: withPassword("short") }),
      runCli(["user", "add", "no space", ...config], { env: withPassword(PASSWORD) }),
      runCli(["user", "list", "--config", join(daemon.dir, "missing.yaml")]),
      runCli(["user", "add", "dave", ...config], { env: withoutPassword(), input: "" }),
    ]);
    assertRefused(taken as CommandResult, /^switchboard: the name "carol" is taken$/m, "taken");
    assertRefused(unknown as CommandResult, /^switchboard: there is no user "nobody"$/m, "unknown");
    assertRefused(short as CommandResult, /^switchboard: a password must be 8 to 1024 characters long$/m, "short password");
    assertRefused(badName as CommandResult, /^switchboard: "no space" is not a valid user name/m, "bad name");
    assertRefused(noConfig as CommandResult, /^switchboard: .*missing\.yaml: cannot read the configuration file: ENOENT/m, "unreadable config");
    assertRefused(noPassword as CommandResult, /^switchboard: no password: set SWITCHBOARD_PASSWORD or write it on standard input$/m, "no password");
    // Nothing of it changed the accounts: carol's password is the first, dave was not made.
    assert.equal((await login("carol", PASSWORD)).answer["type"], "ok");
    assert.deepEqual((await runCli(["user", "list", ...config])).stdout.split("\n").filter((name) => name !== ""), ["alice", "bob", "carol"]);
  });
});

describe("switchboard user without a daemon", function () {
  this.timeout(120_000);
  it("without --config, makes the embedded default's database in ./data (mode 0600) when there is none", async function () {
    const dir = mkdtempSync(join(tmpdir(), "switchboard-user-"));
    try {
      const added = await runCli(["user", "add", "admin"], { cwd: dir, env: withPassword(PASSWORD) });
      assert.deepEqual([added.code, added.stderr], [0, ""]);
      const database = join(dir, "data", "switchboard.db");
      assert.equal(statSync(database).mode & 0o777, 0o600);
      assert.equal((await runCli(["user", "list"], { cwd: dir })).stdout, "admin\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("makes an account before the daemon's first start, which the daemon then takes", async function () {
    const daemon = Daemon.create("native:\n  port: 0\n  registration: closed\n");
    try {
      assert.equal((await runCli(["user", "add", "admin", "--config", daemon.configPath], { env: withPassword(PASSWORD) })).code, 0);
      await daemon.start();
      const client = await NativeClient.session(daemon.url, "admin", PASSWORD);
      await client.close();
    } finally {
      await daemon.dispose();
    }
  });
});
