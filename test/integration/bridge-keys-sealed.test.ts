/**
 * A runtime bridge's key stored in clear (added before the operator set a credential key) is sealed at the next
 * start with a key, against a real ngIRCd: the database no longer holds it in clear, and the gateway still joins
 * the keyed channel with it and relays it.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { ircNetworkYaml } from "../helpers/config-yaml.js";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient } from "../helpers/irc-client.js";
import { startNgircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient } from "../helpers/native-client.js";

describe("a runtime bridge's key kept in clear, once a credential key is set", function () {
  let irc: IrcServer;
  let daemon: Daemon;
  const adminName = uniqueUser("admin");
  const closers: Array<() => Promise<unknown>> = [];

  const config = (credentialKey: boolean): string =>
    [
      `admins: ["native:${adminName}"]`,
      ...(credentialKey ? ["xmpp:", "  user_accounts:", "    credential_key: ${KEY}"] : []),
      "irc:",
      "  networks:",
      ...ircNetworkYaml("net", irc.port, "keygate"),
    ].join("\n");

  /** The key as the database holds it, read with the daemon stopped. */
  async function storedKey(): Promise<string | undefined> {
    const store = openSqliteStore(join(daemon.dir, "switchboard.db"));
    try {
      return (await store.bridges.list()).find((record) => record.remote.id === "#vault")?.key;
    } finally {
      await store.close();
    }
  }

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing the server on a fresh machine may take minutes
    irc = await startNgircd();
    daemon = Daemon.create(config(false));
    await daemon.start();
    await daemon.waitForLog(/IRC network online/);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-4000));
  });

  after(async function () {
    for (const close of closers) await close().catch(() => undefined);
    await daemon?.dispose();
    await irc?.dispose();
  });

  it("seals the stored key at the next start with a credential key, and joins the keyed channel with it", async function () {
    this.timeout(60_000);
    const ops = await IrcTestClient.connect(irc, uniqueUser("ops"));
    closers.push(() => ops.quit());
    await ops.join("#vault");
    ops.send("MODE #vault +k hunter2");
    await ops.waitFor((line) => line.command === "MODE" && ops.same(line.params[0], "#vault") && line.params[1] === "+k", 10_000, "the channel key set");
    const gatewayJoin = (what: string) => ops.waitFor((line) => line.command === "JOIN" && line.nick === "keygate" && ops.same(line.params[0], "#vault"), 15_000, what);

    const admin = await NativeClient.session(daemon.url, adminName, PASSWORD, { register: true });
    await admin.ok({ type: "bridge.add", room: "vault", with: "irc://net/%23vault", key: "hunter2" });
    await gatewayJoin("the gateway joining #vault with its key");
    await admin.close();
    await daemon.stop();
    assert.equal(await storedKey(), "hunter2", "without a credential key the key is stored in clear");

    daemon.writeConfig(config(true));
    await daemon.start({ KEY: randomBytes(32).toString("hex") });
    await daemon.waitForLog(/"sealed":1,.*"msg":"runtime bridges' keys kept in clear sealed with the credential key"/);
    // #vault is +k: the server lets the gateway in only with the right key, read back from the sealed one.
    await daemon.waitForLog(/IRC network online/);
    await gatewayJoin("the gateway joining #vault again with the key it sealed");
    const back = await NativeClient.session(daemon.url, adminName, PASSWORD);
    closers.push(() => back.close());
    await back.ok({ type: "room.join", room: "vault" });
    ops.privmsg("#vault", "still bridged");
    const relayed = await back.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "still bridged", 15_000);
    assert.equal((relayed["message"] as Record<string, unknown>)["body"], "still bridged");

    await daemon.stop();
    const sealed = (await storedKey()) ?? "";
    assert.ok(sealed.startsWith("\u0001sealed:") && !sealed.includes("hunter2"), `the key is sealed in the database: ${JSON.stringify(sealed)}`);
  });
});
