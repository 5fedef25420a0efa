import assert from "node:assert/strict";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import type { Adapter, SendResult } from "../../../src/core/adapter.js";
import { GatewayError } from "../../../src/core/errors.js";
import { FailureReports } from "../../../src/core/failure-reports.js";
import { createLogger } from "../../../src/core/logger.js";
import { addressKey, parseAddress, type Address } from "../../../src/core/model/address.js";
import type { Message } from "../../../src/core/model/message.js";
import { Outbox } from "../../../src/core/outbox.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";

const alice = parseAddress("native:alice");
const carol = parseAddress("native:carol");

function message(id: string): Message {
  return { id, origin: { protocol: "native", account: "default" }, hops: [], scope: "direct", kind: "text", from: carol, to: alice, senderName: "carol", body: `text ${id}`, timestamp: Date.now() };
}

/** Alice's network: records what it was given while she is connected; refuses retryably while she is not. */
interface Network {
  readonly sent: string[];
  connected: boolean;
  /** When set, each send resolves with a confirmation that waits for `confirm()`. */
  confirming: boolean;
  confirm(): void;
}

function aliceNetwork(): { adapter: Adapter; network: Network } {
  const waiting: (() => void)[] = [];
  const network: Network = {
    sent: [],
    connected: true,
    confirming: false,
    confirm: () => waiting.shift()?.(),
  };
  const adapter = {
    protocol: "native",
    account: "default",
    send: async (sent: Message, recipient: Address = sent.to): Promise<SendResult> => {
      if (!network.connected) throw new GatewayError("GW_ERR_UNAVAILABLE", "alice is offline", { retryable: true });
      network.sent.push(`${addressKey(recipient)} ${sent.id}`);
      if (!network.confirming) return { delivered: true };
      return { delivered: true, confirmed: new Promise<void>((resolve) => waiting.push(resolve)) };
    },
    reportDelivered: async () => undefined,
    reportFailure: async () => undefined,
  } as unknown as Adapter;
  return { adapter, network };
}

describe("Outbox: delivery starts before the message is written", () => {
  let store: Store;
  let network: Network;
  let outbox: Outbox;
  /** Outbox rows handed to the store, per message id. */
  let rowsWritten: Map<string, number>;
  /** When set, the store fails every write of accepted messages (a full disk). */
  let storeFails: boolean;

  function open(messageLog: boolean): void {
    store = openSqliteStore(":memory:", { messageLog });
    rowsWritten = new Map();
    storeFails = false;
    const accept = store.accept.bind(store);
    store.accept = (batch) => {
      if (storeFails) return Promise.reject(new GatewayError("GW_ERR_STORE", "store failed to accept messages: database or disk is full"));
      for (const { message: written, recipients } of batch) rowsWritten.set(written.id, recipients.length);
      return accept(batch);
    };
    const registry = new AdapterRegistry();
    const built = aliceNetwork();
    network = built.network;
    registry.register(built.adapter);
    const log = createLogger("silent");
    outbox = new Outbox(store, registry, log, { expireAfterMs: 60_000, retryIntervalMs: 60_000, messageLog }, new FailureReports(store, registry, log));
  }

  afterEach(async () => {
    await outbox.stop();
    await store.close();
  });

  async function turns(until: () => boolean): Promise<void> {
    for (let turn = 0; turn < 100 && !until(); turn++) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Accepts and delivers as the router does: deliveries start, then the acknowledgement waits for the write. */
  function submit(id: string): Promise<void> {
    const written = outbox.accept(message(id), [alice]);
    outbox.deliver(message(id), alice);
    return written;
  }

  async function queuedFor(recipient: Address): Promise<string[]> {
    return (await store.outbox.pending(recipient, 100)).map((entry) => entry.message.id);
  }

  it("hands a message to a connected recipient before its write commits, and writes no outbox row for it", async () => {
    open(true);
    const written = submit("m1");
    assert.deepEqual(network.sent, ["native:alice m1"], "sent while the write was still to come");
    await written;
    await outbox.stop();
    assert.equal(rowsWritten.get("m1"), 0, "no outbox row written");
    assert.deepEqual(await queuedFor(alice), []);
    assert.equal((await store.log.get("m1"))?.body, "text m1", "the message log has it");
  });

  it("with the message log off, writes nothing at all for a message its recipient had before the write", async () => {
    open(false);
    await submit("m1");
    await outbox.stop();
    assert.deepEqual(network.sent, ["native:alice m1"]);
    assert.equal(rowsWritten.get("m1"), 0);
    assert.deepEqual(await queuedFor(alice), []);
    assert.equal(await store.log.get("m1"), undefined);
  });

  it("keeps the row of a message its offline recipient could not take, and sends it when she is reachable", async () => {
    open(false);
    network.connected = false;
    await submit("m1");
    await turns(() => false);
    assert.deepEqual(await queuedFor(alice), ["m1"]);
    network.connected = true;
    outbox.reachable(alice);
    await turns(() => network.sent.length === 1);
    await outbox.stop();
    assert.deepEqual(network.sent, ["native:alice m1"]);
    assert.deepEqual(await queuedFor(alice), []);
  });

  it("keeps the row of a message sent before the write until the network confirms it, then removes it", async () => {
    open(true);
    network.confirming = true;
    await submit("m1");
    assert.deepEqual(network.sent, ["native:alice m1"]);
    await turns(() => false);
    assert.equal(rowsWritten.get("m1"), 1);
    assert.deepEqual(await queuedFor(alice), ["m1"], "sent, not confirmed: still queued");
    network.confirm();
    await outbox.stop();
    assert.deepEqual(await queuedFor(alice), []);
  });

  it("acknowledges a message its recipient had before the store failed to write it, rather than refuse it to be sent again", async () => {
    open(true);
    storeFails = true;
    await submit("m1");
    assert.deepEqual(network.sent, ["native:alice m1"]);
    assert.equal(await store.log.get("m1"), undefined, "the message log misses it");
  });

  it("refuses a message the store failed to write before its recipient had it, and never sends it", async () => {
    open(false);
    network.connected = false;
    storeFails = true;
    await assert.rejects(submit("m1"), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_STORE");
    storeFails = false;
    network.connected = true;
    outbox.reachable(alice);
    await submit("m2");
    await turns(() => network.sent.length >= 1);
    await outbox.stop();
    assert.deepEqual(network.sent, ["native:alice m2"], "the refused message is not sent");
  });

  it("refuses a message sent but not confirmed when the store failed, and does not send it again", async () => {
    open(true);
    network.confirming = true;
    storeFails = true;
    await assert.rejects(submit("m1"), (error: unknown) => error instanceof GatewayError && error.code === "GW_ERR_STORE");
    network.confirm();
    storeFails = false;
    await submit("m2");
    network.confirm();
    await outbox.stop();
    assert.deepEqual(network.sent, ["native:alice m1", "native:alice m2"]);
    assert.deepEqual(await queuedFor(alice), []);
  });

  it("sends a message accepted while the recipient's queue reads the store once, after those before it", async () => {
    open(false);
    network.connected = false;
    await submit("m1");
    await submit("m2");
    await turns(() => false);
    network.connected = true;
    outbox.reachable(alice); // the drain starts reading the store...
    const written = submit("m3"); // ...while m3 is accepted, not yet written
    await written;
    await turns(() => network.sent.length >= 3);
    await outbox.stop();
    assert.deepEqual(network.sent, ["native:alice m1", "native:alice m2", "native:alice m3"]);
    assert.deepEqual(await queuedFor(alice), []);
  });
});
