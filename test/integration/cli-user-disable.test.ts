/**
 * `switchboard user disable NAME [--reason TEXT]` and `switchboard user enable NAME`, run as the real CLI against a
 * daemon's database: refused while the daemon runs (its process lock tells; a running gateway must be told, with
 * admin.user.disable), done while it is stopped: the account is refused at login after the next start (the right
 * password gets GW_ERR_ACCOUNT_DISABLED), `user list` shows when and why, a message to it waits, and once enabled it
 * logs in and gets that message.
 */
import assert from "node:assert/strict";
import { Daemon, runCli, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";

const TIMEOUT = 10_000;

describe("switchboard user disable and enable", function () {
  this.timeout(90_000);
  let daemon: Daemon;

  before(async function () {
    daemon = Daemon.create('admins: ["native:root"]');
    await daemon.start();
  });
  after(async function () {
    await daemon.dispose();
  });

  async function loginAnswer(name: string): Promise<Record<string, unknown>> {
    const client = await NativeClient.connect(daemon.url);
    try {
      await client.ok({ type: "hello", version: 1 });
      return await client.request({ type: "login", user: name, password: PASSWORD });
    } finally {
      await client.close();
    }
  }

  it("refuses while the gateway runs on the database, and changes nothing", async function () {
    const name = uniqueUser("busy");
    const client = await NativeClient.session(daemon.url, name, PASSWORD, { register: true });
    const results = await Promise.all([runCli(["user", "disable", name, "--config", daemon.configPath]), runCli(["user", "enable", name, "--config", daemon.configPath])]);
    assert.deepEqual(results.map((result) => result.code), [1, 1], results.map((result) => result.stderr).join(""));
    assert.match(results[0]?.stderr ?? "", /a gateway is running on .*admin\.user\.disable/);
    assert.match(results[1]?.stderr ?? "", /a gateway is running on .*admin\.user\.enable/);
    assert.ok(client.isOpen);
    await client.close();
    assert.equal((await loginAnswer(name))["user"], name);
  });

  it("disables an account while the gateway is stopped, lists it, and enables it again; a message to it waits meanwhile", async function () {
    const name = uniqueUser("locked");
    const bobName = uniqueUser("bob");
    await (await NativeClient.session(daemon.url, name, PASSWORD, { register: true })).close();
    const bob = await NativeClient.session(daemon.url, bobName, PASSWORD, { register: true });
    const waiting = await bob.ok({ type: "message.send", to: `native:${name}`, body: "for later" });
    await bob.close();
    await daemon.stop();
    try {
      const refused = await Promise.all([
        runCli(["user", "disable", uniqueUser("nobody"), "--config", daemon.configPath]),
        runCli(["user", "disable", "root", `--config=${daemon.configPath}`]),
        runCli(["user", "disable", "--config", daemon.configPath]),
        runCli(["user", "disable", name, "--reason", "a\u0007b", "--config", daemon.configPath]),
      ]);
      assert.deepEqual(refused.map((result) => result.code), [1, 1, 1, 1]);
      assert.match(refused[0]?.stderr ?? "", /no user/);
      assert.match(refused[1]?.stderr ?? "", /named in admins/);
      assert.match(refused[2]?.stderr ?? "", /needs a NAME/);
      assert.match(refused[3]?.stderr ?? "", /one line of text/);
      const result = await runCli(["user", "disable", name.toUpperCase(), "--reason", "phished, password reset pending", "--config", daemon.configPath]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, `user ${name} disabled\n`);
      const list = await runCli(["user", "list", "--config", daemon.configPath]);
      const line = list.stdout.split("\n").find((entry) => entry.startsWith(`${name}\t`)) ?? "";
      assert.match(line, new RegExp(`^${name}\\tdisabled\\t\\d{4}-\\d\\d-\\d\\dT[^\\t]+Z\\tphished, password reset pending$`));
      assert.ok(list.stdout.split("\n").includes(bobName), "an account not disabled is its name alone");
    } finally {
      await daemon.start();
    }
    assert.equal((await loginAnswer(name))["code"], "GW_ERR_ACCOUNT_DISABLED");

    await daemon.stop();
    try {
      const enabled = await runCli(["user", "enable", name, "--config", daemon.configPath]);
      assert.equal(enabled.code, 0, enabled.stderr);
      assert.equal(enabled.stdout, `user ${name} enabled\n`);
    } finally {
      await daemon.start();
    }
    const back = await NativeClient.session(daemon.url, name, PASSWORD);
    const message = (await back.waitForType("message", () => true, TIMEOUT))["message"] as Record<string, unknown>;
    assert.equal(message["id"], waiting["message_id"]);
    await back.close();
  });
});
