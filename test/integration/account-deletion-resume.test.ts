/**
 * A deletion cut short after its first step (a crash right after it) leaves an account that cannot log in, and the next
 * start finishes it before anyone can log in: the real daemon on a store left so.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";

describe("a deletion cut short", function () {
  this.timeout(60_000);
  let daemon: Daemon;

  before(async function () {
    daemon = Daemon.create();
    await daemon.start();
  });
  after(async function () {
    await daemon.dispose();
  });

  it("finishes at the next start a deletion cut short after its first step, which left an account that cannot log in", async function () {
    const name = uniqueUser("cut");
    const bobName = uniqueUser("bob");
    const cut = await NativeClient.session(daemon.url, name, PASSWORD, { register: true });
    const bob = await NativeClient.session(daemon.url, bobName, PASSWORD, { register: true });
    await cut.ok({ type: "contact.add", address: `native:${bobName}` });
    await bob.ok({ type: "contact.add", address: `native:${name}` });
    await cut.close();
    await bob.close();
    await daemon.stop();
    // What a crash right after the deletion's first step leaves: the password gone, everything else still there.
    const store = openSqliteStore(join(daemon.dir, "switchboard.db"));
    try {
      assert.equal(await store.accountRemovals.begin(name, Date.now()), true);
    } finally {
      await store.close();
    }
    // Finished before the gateway takes its first connection.
    await daemon.start();
    const again = await NativeClient.connect(daemon.url);
    await again.ok({ type: "hello", version: 1 });
    assert.equal((await again.request({ type: "login", user: name, password: PASSWORD }))["code"], "GW_ERR_AUTH_FAILED");
    await again.ok({ type: "register", user: name, password: PASSWORD });
    await again.close();
    const back = await NativeClient.session(daemon.url, bobName, PASSWORD);
    assert.deepEqual((await back.ok({ type: "contact.list" }))["contacts"], []);
    await back.close();
  });
});
