import assert from "node:assert/strict";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import type { Adapter, SendResult } from "../../../src/core/adapter.js";
import { GatewayError } from "../../../src/core/errors.js";
import { FailureReports } from "../../../src/core/failure-reports.js";
import { createLogger } from "../../../src/core/logger.js";
import { parseAddress, type Address } from "../../../src/core/model/address.js";
import type { Message } from "../../../src/core/model/message.js";
import { Outbox } from "../../../src/core/outbox.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";

const juliet = parseAddress("xmpp:juliet@example.org");
const romeo = parseAddress("xmpp:romeo@example.org"); // served by the same adapter: its delivery receipts are recorded

function message(id: string): Message {
  return { id, origin: { protocol: "native", account: "default" }, hops: [], scope: "direct", kind: "text", from: romeo, to: juliet, senderName: "romeo", body: `text ${id}`, timestamp: Date.now() };
}

/**
 * Juliet's XMPP server as the outbox sees it: each send is confirmed later (the answer to a barrier), or the
 * connection is lost first (a retryable failure), as the test decides.
 */
function julietsServer(): { adapter: Adapter; sent: string[]; receipts: string[]; settle(outcome: "answered" | "lost"): void } {
  const sent: string[] = [];
  const receipts: string[] = [];
  const waiting: { resolve: () => void; reject: (error: GatewayError) => void }[] = [];
  const adapter = {
    protocol: "xmpp",
    account: "default",
    send: async (sent_: Message): Promise<SendResult> => {
      sent.push(sent_.id);
      return { delivered: true, confirmed: new Promise<void>((resolve, reject) => waiting.push({ resolve, reject })) };
    },
    reportDelivered: async (delivered: Message) => void receipts.push(delivered.id),
    reportFailure: async () => undefined,
  } as unknown as Adapter;
  const settle = (outcome: "answered" | "lost"): void => {
    for (const { resolve, reject } of waiting.splice(0)) {
      if (outcome === "answered") resolve();
      else reject(new GatewayError("GW_ERR_UNAVAILABLE", "the XMPP server connection was lost", { retryable: true }));
    }
  };
  return { adapter, sent, receipts, settle };
}

describe("Outbox: a delivery bounced before its confirmation", () => {
  let store: Store;
  let outbox: Outbox;
  let server: ReturnType<typeof julietsServer>;

  beforeEach(() => {
    store = openSqliteStore(":memory:");
    const registry = new AdapterRegistry();
    server = julietsServer();
    registry.register(server.adapter);
    const log = createLogger("silent");
    outbox = new Outbox(store, registry, log, { expireAfterMs: 60_000, retryIntervalMs: 60_000, messageLog: true }, new FailureReports(store, registry, log));
  });

  afterEach(async () => {
    await outbox.stop();
    await store.close();
  });

  async function turns(until: () => boolean = () => false): Promise<void> {
    for (let turn = 0; turn < 100 && !until(); turn++) await new Promise((resolve) => setImmediate(resolve));
  }

  async function submit(id: string): Promise<void> {
    const written = outbox.accept(message(id), [juliet]);
    outbox.deliver(message(id), juliet);
    await written;
  }

  async function queued(recipient: Address): Promise<string[]> {
    return (await store.outbox.pending(recipient, 100)).map((entry) => entry.message.id);
  }

  it("is not sent again when the connection is lost before the confirmation: the bounce was its outcome", async () => {
    await submit("m1");
    await submit("m2");
    assert.deepEqual(server.sent, ["m1", "m2"]);
    outbox.bounced("m1", juliet); // juliet's server refused m1; the answer to the barrier after it never came
    server.settle("lost");
    await turns();
    outbox.networkReachable("xmpp", "default");
    await turns(() => server.sent.length === 3);
    assert.deepEqual(server.sent, ["m1", "m2", "m2"], "m2, unconfirmed, again; m1 not: it would bounce, and be reported, twice");
    server.settle("answered");
    await turns();
    assert.deepEqual(await queued(juliet), []);
    assert.deepEqual(server.receipts, ["m2"]);
  });

  it("sends no delivery receipt for a bounced message whose barrier is answered after the bounce", async () => {
    await submit("m1");
    outbox.bounced("m1", juliet);
    server.settle("answered");
    await turns();
    assert.deepEqual(server.receipts, [], "failed, not delivered");
    assert.deepEqual(await queued(juliet), []);
  });

  it("ignores a bounce of a message not under way to that recipient", async () => {
    outbox.bounced("m1", juliet);
    await submit("m1");
    server.settle("answered");
    await turns();
    assert.deepEqual(server.receipts, ["m1"]);
  });
});

describe("Outbox: deliveries queued for a bridge that ended", () => {
  const channel = parseAddress("irc://libera/%23dev");
  let store: Store;
  let outbox: Outbox;
  const sent: string[] = [];
  const failed: string[] = [];
  let up = false;

  beforeEach(() => {
    sent.length = 0;
    failed.length = 0;
    up = false;
    store = openSqliteStore(":memory:");
    const registry = new AdapterRegistry();
    registry.register({
      protocol: "irc",
      account: "libera",
      send: async (message: Message): Promise<SendResult> => {
        if (!up) throw new GatewayError("GW_ERR_UNAVAILABLE", "the IRC server is down", { retryable: true });
        sent.push(message.id);
        return { delivered: true };
      },
    } as unknown as Adapter);
    registry.register({
      protocol: "native",
      account: "default",
      reportFailure: async (message: Message, _recipient: Address, error: GatewayError) => void failed.push(`${message.id} ${error.code}`),
    } as unknown as Adapter);
    const log = createLogger("silent");
    outbox = new Outbox(store, registry, log, { expireAfterMs: 60_000, retryIntervalMs: 60_000, messageLog: true }, new FailureReports(store, registry, log));
  });

  afterEach(async () => {
    await outbox.stop();
    await store.close();
  });

  it("fails them at once, reported to their senders, and sends none when the network is back", async () => {
    for (const id of ["m1", "m2"]) {
      const roomLine: Message = { ...message(id), from: parseAddress("native:romeo"), to: parseAddress("native:%23dev"), scope: "room" };
      const written = outbox.accept(roomLine, [channel]);
      outbox.deliver(roomLine, channel);
      await written;
    }
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal((await store.outbox.pending(channel, 10)).length, 2, "waiting for the network");
    await outbox.failQueued(channel, new GatewayError("GW_ERR_NO_ROUTE", "not bridged any more"));
    assert.deepEqual(failed, ["m1 GW_ERR_NO_ROUTE", "m2 GW_ERR_NO_ROUTE"]);
    assert.deepEqual(await store.outbox.pending(channel, 10), []);
    up = true;
    outbox.networkReachable("irc", "libera");
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(sent, []);
  });
});
