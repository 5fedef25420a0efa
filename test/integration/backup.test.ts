/**
 * `switchboard backup DEST`, run as the operator runs it, beside a running daemon: the copy holds what the daemon
 * had acknowledged (accounts, a message waiting in the outbox), a daemon started on the copy delivers that message,
 * and the copy is its owner's alone. Refusals: an
 * existing DEST, a store that does not exist (no empty database made in its place).
 */
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Daemon, runCli, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";

describe("switchboard backup", function () {
  this.timeout(60_000);
  const daemons: Daemon[] = [];
  const clients: NativeClient[] = [];
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "switchboard-backup-"));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all(daemons.splice(0).map((daemon) => daemon.dispose()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function started(): Promise<Daemon> {
    const daemon = Daemon.create();
    daemons.push(daemon);
    await daemon.start();
    return daemon;
  }

  async function session(daemon: Daemon, name: string, register: boolean): Promise<NativeClient> {
    const client = await NativeClient.session(daemon.url, name, PASSWORD, { register });
    clients.push(client);
    return client;
  }

  it("copies a running daemon's store, with what it acknowledged, and a daemon started on the copy delivers it", async function () {
    const daemon = await started();
    const ada = uniqueUser("ada");
    const bea = uniqueUser("bea");
    const sender = await session(daemon, ada, true);
    await (await session(daemon, bea, true)).close();
    await sender.ok({ type: "message.send", to: `native:${bea}`, body: "kept in the backup" });

    const copy = join(dir, "switchboard-backup.db");
    const result = await runCli(["backup", copy, "--config", daemon.configPath]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /backed up to .*switchboard-backup\.db/);
    assert.equal(statSync(copy).mode & 0o777, 0o600, "password hashes and sealed secrets: the owner's alone");
    const again = await runCli(["backup", copy, "--config", daemon.configPath]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists already/);
    await daemon.stop();

    const restored = Daemon.create();
    daemons.push(restored);
    copyFileSync(copy, join(restored.dir, "switchboard.db"));
    await restored.start();
    const back = await session(restored, bea, false);
    const message = await back.waitForType("message");
    assert.equal((message["message"] as Record<string, unknown>)["body"], "kept in the backup");
  });

  it("refuses a store that does not exist, and makes no empty database in its place", async function () {
    const config = join(dir, "switchboard.yaml");
    const missing = join(dir, "nothing-here.db");
    writeFileSync(config, `store:\n  path: ${JSON.stringify(missing)}\n`);
    const copy = join(dir, "copy.db");
    const result = await runCli(["backup", copy, "--config", config]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no database at .*nothing-here\.db/);
    assert.equal(existsSync(missing), false);
    assert.equal(existsSync(copy), false);
    const noDest = await runCli(["backup", "--config", config]);
    assert.equal(noDest.code, 1);
    assert.match(noDest.stderr, /backup needs a DEST/);
  });
});
