/**
 * `switchboard user delete NAME`, run as the real CLI against a daemon's database: refused while the daemon runs (its
 * process lock tells), done while it is stopped, with what the store keeps of a deletion: the account cannot log in,
 * the sender of a message that waited for it hears at their next login, and the name may be registered anew.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseAddress } from "../../src/core/model/address.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { Daemon, runCli, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";

describe("switchboard user delete", function () {
  this.timeout(60_000);
  let daemon: Daemon;

  before(async function () {
    daemon = Daemon.create('admins: ["native:root"]');
    await daemon.start();
  });
  after(async function () {
    await daemon.dispose();
  });

  async function login(name: string): Promise<NativeClient> {
    return NativeClient.session(daemon.url, name, PASSWORD);
  }

  it("refuses while the gateway runs on the database, and deletes nothing", async function () {
    const name = uniqueUser("busy");
    const client = await NativeClient.session(daemon.url, name, PASSWORD, { register: true });
    const result = await runCli(["user", "delete", name, "--config", daemon.configPath]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /a gateway is running on .*admin\.user\.delete/);
    assert.ok(client.isOpen);
    await client.close();
    await (await login(name)).close();
  });

  it("deletes an account while the gateway is stopped: it no longer logs in, its waiting messages are reported, its name is free", async function () {
    const name = uniqueUser("offline");
    const bobName = uniqueUser("bob");
    await (await NativeClient.session(daemon.url, name, PASSWORD, { register: true })).close();
    const bob = await NativeClient.session(daemon.url, bobName, PASSWORD, { register: true });
    const waiting = await bob.ok({ type: "message.send", to: `native:${name}`, body: "see you" });
    await bob.close();
    await daemon.stop();
    try {
      const refused = await Promise.all([
        runCli(["user", "delete", uniqueUser("nobody"), "--config", daemon.configPath]),
        runCli(["user", "delete", "root", `--config=${daemon.configPath}`]),
        runCli(["user", "delete", "--config", daemon.configPath]),
      ]);
      assert.deepEqual(refused.map((result) => result.code), [1, 1, 1]);
      assert.match(refused[0]?.stderr ?? "", /no user/);
      assert.match(refused[1]?.stderr ?? "", /named in admins/);
      assert.match(refused[2]?.stderr ?? "", /needs a NAME/);
      const result = await runCli(["user", "delete", name.toUpperCase(), "--config", daemon.configPath]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, `user ${name} deleted\n`);
      // Done by the command, not left for the gateway's next start: bob's report waits in the store.
      const store = openSqliteStore(join(daemon.dir, "switchboard.db"));
      try {
        assert.deepEqual(await store.accountRemovals.unfinished(), []);
        assert.deepEqual((await store.failures.pending(parseAddress(`native:${bobName}`), 10)).map((notice) => notice.messageId), [waiting["message_id"]]);
      } finally {
        await store.close();
      }
    } finally {
      await daemon.start();
    }
    const again = await NativeClient.connect(daemon.url);
    await again.ok({ type: "hello", version: 1 });
    assert.equal((await again.request({ type: "login", user: name, password: PASSWORD }))["code"], "GW_ERR_AUTH_FAILED");
    const back = await login(bobName);
    const failed = await back.waitForType("message.failed", (frame) => frame["message_id"] === waiting["message_id"]);
    assert.equal(failed["code"], "GW_ERR_UNKNOWN_RECIPIENT");
    await again.ok({ type: "register", user: name, password: PASSWORD });
    await again.close();
    await back.close();
  });
});
