/**
 * The message log's retention (store.message_log_max_age_days) in the real daemon: old messages are written into its
 * database through the store while it is stopped, with ids made at their time as the router makes them; once it
 * runs, `history` no longer has them, and has every younger one. A room's history, since a direct conversation's
 * leaves out what predates the reader's account.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { MessageIdGenerator } from "../../src/core/message-id.js";
import { parseAddress } from "../../src/core/model/address.js";
import type { Message } from "../../src/core/model/message.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";

const DAY_MS = 24 * 60 * 60 * 1000;

describe("the message log's retention (store.message_log_max_age_days) in the daemon", function () {
  let daemon: Daemon;
  const clients: NativeClient[] = [];
  const session = async (name: string, register: boolean): Promise<NativeClient> => {
    const client = await NativeClient.session(daemon.url, name, PASSWORD, { register });
    clients.push(client);
    return client;
  };
  const aName = uniqueUser("ret");
  const roomName = uniqueUser("kept");

  /** Writes messages of a to the room, each `daysAgo` old, into the stopped daemon's database. */
  async function writeOld(daysAgo: readonly number[]): Promise<void> {
    const store = openSqliteStore(join(daemon.dir, "switchboard.db"));
    try {
      let clock = 0;
      const ids = new MessageIdGenerator(undefined, () => clock);
      const [from, to] = [parseAddress(`native:${aName}`), parseAddress(`native:%23${roomName}`)];
      const messages = daysAgo.map((days): Message => {
        clock = Date.now() - days * DAY_MS;
        return { id: ids.next(), origin: { protocol: "native", account: "default" }, hops: [], scope: "room", kind: "text", from, to, senderName: aName, body: `${days} days ago`, timestamp: clock };
      });
      await store.accept(messages.map((message) => ({ message, recipients: [] })));
    } finally {
      await store.close();
    }
  }

  async function historyBodies(): Promise<string[]> {
    const reader = await session(aName, false);
    const history = await reader.ok({ type: "history", room: roomName });
    await reader.close();
    return (history["messages"] as Record<string, unknown>[]).map((message) => message["body"] as string);
  }

  beforeEach(async function () {
    daemon = Daemon.create("", "  message_log_max_age_days: 30");
    await daemon.start();
    const a = await session(aName, true);
    await a.ok({ type: "room.create", name: roomName, subject: "" });
    await a.ok({ type: "room.send", room: roomName, body: "said today" });
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await daemon.stop();
  });
  afterEach(async function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-4000));
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await daemon.dispose();
  });

  it("deletes the messages older than the age at start, and keeps the younger ones", async function () {
    await writeOld([45, 31, 29, 2]);
    await daemon.start();
    await daemon.waitForLog(/"deleted":2,[^\n]*"msg":"message log pruned"/);
    assert.deepEqual(await historyBodies(), ["29 days ago", "2 days ago", "said today"]);
  });

  it("applies an age set by a reload of the file (SIGHUP) at once", async function () {
    daemon.writeConfig("", "  message_log_max_age_days: 0");
    await writeOld([45, 31, 29, 2]);
    await daemon.start();
    assert.deepEqual(await historyBodies(), ["45 days ago", "31 days ago", "29 days ago", "2 days ago", "said today"], "0 keeps everything");
    daemon.writeConfig("", "  message_log_max_age_days: 10");
    daemon.signal("SIGHUP");
    await daemon.waitForLog(/"deleted":3,[^\n]*"msg":"message log pruned"/);
    assert.deepEqual(await historyBodies(), ["2 days ago", "said today"]);
    assert.doesNotMatch(daemon.log, /applied at the next restart only/);
  });
});
