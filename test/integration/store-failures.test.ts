/**
 * The store failing under the gateway (here its database locked by another process, as a backup tool or an
 * operator's sqlite3 shell may hold it; a full disk fails the same way): a message nobody had yet is refused with
 * GW_ERR_STORE and never delivered later; one its connected recipient had already is acknowledged (it was
 * delivered), not refused to be sent twice; the failures are logged once a while, not once per frame (a full disk
 * must not be filled further by the gateway's own log); and the gateway works again once the store is back.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";

const body = (frame: Frame): unknown => (frame["message"] as Record<string, unknown>)["body"];

describe("the store failing under a running gateway", function () {
  let daemon: Daemon;
  const clients: NativeClient[] = [];

  before(async function () {
    daemon = Daemon.create();
    await daemon.start();
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-4000));
  });

  after(async function () {
    for (const client of clients) await client.close();
    await daemon?.dispose();
  });

  async function session(name: string, register = true): Promise<NativeClient> {
    const client = await NativeClient.session(daemon.url, name, PASSWORD, { register });
    clients.push(client);
    return client;
  }

  /** Sends 30 messages from `from` to `to` while another process holds the database's write lock. */
  async function sendLockedOut(from: NativeClient, to: string, label: string): Promise<Frame[]> {
    const holder = new Database(join(daemon.dir, "switchboard.db"));
    try {
      holder.exec("BEGIN IMMEDIATE"); // the write lock: the gateway's writes wait a second for it, then fail
      return await Promise.all(Array.from({ length: 30 }, (_, index) => from.request({ type: "message.send", to: `native:${to}`, body: `${label} ${index}` })));
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
  }

  /**
   * The log lines with this message, once every line written before now is read: a bad frame's line, written
   * after them, is awaited first (the daemon's output comes in order).
   */
  async function logLines(client: NativeClient, msg: string): Promise<string[]> {
    const marker = uniqueUser("marker");
    client.sendRaw(JSON.stringify({ type: marker }));
    await daemon.waitForLog(new RegExp(`${marker}[^\n]*"msg":"bad frame"`));
    return daemon.log.split("\n").filter((line) => line.includes(`"msg":"${msg}`));
  }

  it("refuses messages for an offline recipient with GW_ERR_STORE, logs that once, never delivers them, and works again after", async function () {
    this.timeout(30_000);
    const [aliceName, bobName] = [uniqueUser("al"), uniqueUser("bob")];
    const alice = await session(aliceName);
    await (await session(bobName)).close(); // bob exists, and is offline

    const answers = await sendLockedOut(alice, bobName, "locked out");
    assert.deepEqual(new Set(answers.map((answer) => answer["code"])), new Set(["GW_ERR_STORE"]));
    assert.equal(answers[0]?.["message"], "the store failed");
    const failureLines = await logLines(alice, "frame handler failed");
    assert.equal(failureLines.length, 1, `one line for 30 failures within seconds, not one each:\n${failureLines.join("\n")}`);
    assert.match(failureLines[0] ?? "", /database is locked/);

    const sent = await alice.ok({ type: "message.send", to: `native:${bobName}`, body: "and now it works" });
    const bob = await session(bobName, false);
    const received = (await bob.waitForType("message"))["message"] as Record<string, unknown>;
    assert.deepEqual([received["id"], received["body"]], [sent["message_id"], "and now it works"], "the refused messages are not delivered");
  });

  it("acknowledges messages its connected recipient had before the store failed, each delivered once", async function () {
    this.timeout(30_000);
    const [carolName, daveName] = [uniqueUser("carol"), uniqueUser("dave")];
    const carol = await session(carolName);
    const dave = await session(daveName);

    const answers = await sendLockedOut(carol, daveName, "delivered");
    assert.deepEqual(new Set(answers.map((answer) => answer.type)), new Set(["ok"]));
    const lines = await logLines(carol, "the store failed after every recipient had the message");
    assert.equal(lines.length, 1, lines.join("\n"));
    await carol.ok({ type: "message.send", to: `native:${daveName}`, body: "last" });
    const bodies: unknown[] = [];
    for (;;) {
      const frame = await dave.waitForType("message");
      if (body(frame) === "last") break;
      bodies.push(body(frame));
    }
    assert.deepEqual(bodies, Array.from({ length: 30 }, (_, index) => `delivered ${index}`));
  });
});
