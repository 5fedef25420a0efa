import assert from "node:assert/strict";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import type { Adapter } from "../../../src/core/adapter.js";
import { FailureReports } from "../../../src/core/failure-reports.js";
import { GatewayError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import { addressKey, parseAddress, type Address } from "../../../src/core/model/address.js";
import type { Message } from "../../../src/core/model/message.js";
import { Outbox, type LinkedRecipientVerdict } from "../../../src/core/outbox.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";

const alice = parseAddress("native:alice");
const aliceNick = parseAddress("irc://libera/alice");
const carol = parseAddress("native:carol");

/** A network that records what it was given, as "<recipient> <message id>"; while `down()`, it is unreachable. */
function network(protocol: "native" | "irc", account: string, sent: string[], down: () => boolean = () => false, refuses: () => boolean = () => false): Adapter {
  return {
    protocol,
    account,
    send: async (message: Message, recipient: Address = message.to) => {
      if (down()) throw new GatewayError("GW_ERR_UNAVAILABLE", `${account} is down`, { retryable: true });
      if (refuses()) throw new GatewayError("GW_ERR_UNAVAILABLE", "No such nick", { condition: "ERR_NOSUCHNICK" });
      sent.push(`${addressKey(recipient)} ${message.id}`);
      return { delivered: true };
    },
    reportDelivered: async () => undefined,
  } as unknown as Adapter;
}

function message(id: string): Message {
  return { id, origin: { protocol: "native", account: "default" }, hops: [], scope: "direct", kind: "text", from: carol, to: alice, senderName: "carol", body: "for alice", timestamp: 1 };
}

describe("Outbox: a message queued for a linked account that no longer is its person", () => {
  let store: Store;
  let sent: string[];
  let outbox: Outbox;
  let verdict: LinkedRecipientVerdict;
  let failedVerdict: LinkedRecipientVerdict;
  let asked: string[];
  let ircDown: boolean;
  let ircRefuses: boolean;
  let reported: string[];

  beforeEach(() => {
    ircDown = false;
    ircRefuses = false;
    reported = [];
    store = openSqliteStore(":memory:");
    sent = [];
    asked = [];
    const registry = new AdapterRegistry();
    const native = network("native", "default", sent);
    (native as { reportFailure: Adapter["reportFailure"] }).reportFailure = async (failed, recipient) => void reported.push(`${failed.id} ${addressKey(recipient)}`);
    registry.register(native);
    registry.register(network("irc", "libera", sent, () => ircDown, () => ircRefuses));
    const log = createLogger("silent");
    outbox = new Outbox(store, registry, log, {
      expireAfterMs: 60_000,
      retryIntervalMs: 60_000,
      linkedRecipientNow: (queued, recipient) => {
        asked.push(`${queued.id} ${addressKey(recipient)}`);
        return verdict;
      },
      linkedRecipientFailed: () => failedVerdict,
    }, new FailureReports(store, registry, log));
  });

  afterEach(async () => {
    await outbox.stop();
    await store.close();
  });

  async function deliveredTo(count: number): Promise<void> {
    for (let turn = 0; turn < 100 && sent.length < count; turn++) await new Promise((resolve) => setImmediate(resolve));
  }

  it("sends to the account while it still is the person", async () => {
    verdict = { action: "send" };
    await outbox.accept(message("m1"), [aliceNick]);
    outbox.deliver(message("m1"), aliceNick);
    await deliveredTo(1);
    assert.deepEqual(sent, ["irc://libera/alice m1"]);
  });

  it("gives the message to the person instead when the account is not theirs any more, stored as theirs", async () => {
    verdict = { action: "redirect", to: alice };
    await outbox.accept(message("m2"), [aliceNick]);
    outbox.deliver(message("m2"), aliceNick);
    await deliveredTo(1);
    assert.deepEqual(sent, ["native:alice m2"]);
    assert.deepEqual(asked, ["m2 irc://libera/alice"]);
    await outbox.stop();
    assert.deepEqual(await store.outbox.pending(aliceNick, 10), []);
  });

  it("gives the person a message that waited for the account while the person's newer ones went out", async () => {
    verdict = { action: "send" };
    ircDown = true;
    await outbox.accept(message("m4"), [aliceNick]);
    outbox.deliver(message("m4"), aliceNick);
    await outbox.accept(message("m5"), [alice]);
    outbox.deliver(message("m5"), alice);
    await deliveredTo(1);
    assert.deepEqual(sent, ["native:alice m5"], "m4 waits for IRC");
    verdict = { action: "redirect", to: alice };
    ircDown = false;
    outbox.networkReachable("irc", "libera");
    await deliveredTo(2);
    assert.deepEqual(sent, ["native:alice m5", "native:alice m4"], "older than m5, and delivered all the same");
    await outbox.stop();
    assert.deepEqual(await store.outbox.recipients(), []);
  });

  it("gives the person a message their linked account refused for good, instead of reporting it failed", async () => {
    verdict = { action: "send" };
    failedVerdict = { action: "redirect", to: alice };
    ircRefuses = true;
    await outbox.accept(message("m6"), [aliceNick]);
    outbox.deliver(message("m6"), aliceNick);
    await deliveredTo(1);
    assert.deepEqual(sent, ["native:alice m6"]);
    assert.deepEqual(reported, [], "carol is not told of a failure");
    await outbox.stop();
    assert.deepEqual(await store.outbox.recipients(), []);
  });

  it("drops it when the person has it already (deliver_to: all), and never asks about the person's own address", async () => {
    verdict = { action: "drop" };
    await outbox.accept(message("m3"), [alice, aliceNick]);
    outbox.deliver(message("m3"), alice);
    outbox.deliver(message("m3"), aliceNick);
    await deliveredTo(1);
    await outbox.stop();
    assert.deepEqual(sent, ["native:alice m3"]);
    assert.deepEqual(asked, ["m3 irc://libera/alice"]);
    assert.deepEqual(await store.outbox.recipients(), []);
  });
});
