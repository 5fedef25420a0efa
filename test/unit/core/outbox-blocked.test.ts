/**
 * A message still waiting in the outbox for a native user when she blocks its sender (core/blocklist.ts refusedNow):
 * not delivered to her, nor to her linked accounts, and reported to its sender as a message to nobody.
 */
import assert from "node:assert/strict";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import type { Adapter } from "../../../src/core/adapter.js";
import { Blocklist, isBlockRefusal } from "../../../src/core/blocklist.js";
import { FailureReports } from "../../../src/core/failure-reports.js";
import { GatewayError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import { addressKey, parseAddress, type Address } from "../../../src/core/model/address.js";
import type { Message } from "../../../src/core/model/message.js";
import { Outbox } from "../../../src/core/outbox.js";
import { historyFor } from "../../../src/adapters/native/blocked-room-lines.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";
import { account } from "../store/store-fixtures.js";

const alice = parseAddress("native:alice");
const aliceNick = parseAddress("irc://libera/alice");
const bob = parseAddress("native:bob");
const carol = parseAddress("native:carol");
const eve = parseAddress("xmpp:eve@example.org");

/** A network that records what it was given ("<recipient> <message id>") and the failures reported to its senders. */
function network(protocol: "native" | "irc" | "xmpp", account: string, sent: string[], reported: string[], down: () => boolean): Adapter {
  return {
    protocol,
    account,
    send: async (message: Message, recipient: Address = message.to) => {
      if (down()) throw new GatewayError("GW_ERR_UNAVAILABLE", `${account} is down`, { retryable: true });
      sent.push(`${addressKey(recipient)} ${message.id}`);
      return { delivered: true };
    },
    reportDelivered: async () => undefined,
    reportFailure: async (failed: Message, recipient: Address, error: GatewayError) => {
      reported.push(`${addressKey(failed.from)} ${failed.id} ${addressKey(recipient)} ${error.code} ${error.message}${isBlockRefusal(error) ? " (block)" : ""}`);
    },
  } as unknown as Adapter;
}

function message(id: string, from: Address, to: Address = alice): Message {
  const origin = from.protocol === "native" ? { protocol: from.protocol, account: "default" } : { protocol: from.protocol, account: from.account };
  return { id, origin, hops: [], scope: "direct", kind: "text", from, to, senderName: from.id, body: `for ${to.id}`, timestamp: 1 };
}

describe("Outbox: a message waiting for her when she blocks its sender", () => {
  let store: Store;
  let sent: string[];
  let reported: string[];
  let offline: boolean;
  let blocklist: Blocklist;
  let outbox: Outbox;
  let registry: AdapterRegistry;
  let failures: FailureReports;

  beforeEach(async () => {
    store = openSqliteStore(":memory:");
    await store.accounts.create(account("alice"));
    sent = [];
    reported = [];
    offline = true;
    registry = new AdapterRegistry();
    registry.register(network("native", "default", sent, reported, () => offline));
    registry.register(network("xmpp", "default", sent, reported, () => false));
    registry.register(network("irc", "libera", sent, reported, () => offline));
    const log = createLogger("silent");
    blocklist = new Blocklist({ store: store.blocks, log, presenceShown: async () => undefined });
    failures = new FailureReports(store, registry, log);
    outbox = new Outbox(store, registry, log, { expireAfterMs: 60_000, retryIntervalMs: 60_000, refusedNow: (queued) => blocklist.refusedNow(queued) }, failures);
  });

  afterEach(async () => {
    await outbox.stop();
    await store.close();
  });

  async function settled(): Promise<void> {
    for (let turn = 0; turn < 50; turn++) await new Promise((resolve) => setImmediate(resolve));
    await outbox.stop(); // pending writes and removals done
  }

  async function queue(queued: Message, recipient: Address = alice): Promise<void> {
    await outbox.accept(queued, [recipient]);
    outbox.deliver(queued, recipient);
  }

  it("does not deliver a blocked native or XMPP sender's waiting messages, reports them as to nobody, and delivers the others'", async () => {
    await queue(message("from-bob", bob));
    await queue(message("from-eve", eve));
    await queue(message("from-carol", carol));
    await settled();
    assert.deepEqual(sent, [], "alice is offline: all three wait");

    await blocklist.block(alice, bob);
    await blocklist.block(alice, eve);
    offline = false;
    outbox.reachable(alice);
    await settled();

    assert.deepEqual(sent, ["native:alice from-carol"]);
    assert.deepEqual(reported, [
      "native:bob from-bob native:alice GW_ERR_UNKNOWN_RECIPIENT nobody is known at native:alice (block)",
      "xmpp:eve@example.org from-eve native:alice GW_ERR_UNKNOWN_RECIPIENT nobody is known at native:alice (block)",
    ]);
    assert.deepEqual(await store.outbox.recipients(), [], "nothing waits any more");
    assert.deepEqual(await store.failures.senders(), [], "both reports were taken");
  });

  it("does not hand a blocked sender's message waiting for her linked account to that account, nor to her", async () => {
    await queue(message("to-her-nick", bob), aliceNick);
    await settled();
    await blocklist.block(alice, bob);
    offline = false;
    outbox.networkReachable("irc", "libera");
    outbox.reachable(alice);
    await settled();

    assert.deepEqual(sent, []);
    assert.deepEqual(reported, ["native:bob to-her-nick native:alice GW_ERR_UNKNOWN_RECIPIENT nobody is known at native:alice (block)"], "reported as to the address bob wrote to");
  });

  it("leaves a blocked sender's message refused at delivery out of her direct history, which his sender still has", async () => {
    await queue(message("bob-before", bob));
    await settled();
    await blocklist.block(alice, bob);
    offline = false;
    outbox.reachable(alice);
    await settled();
    assert.deepEqual(sent, []);
    const read = (page: { limit: number }): Promise<Message[]> => store.log.history({ between: [alice, bob] }, page);
    assert.deepEqual(await historyFor(blocklist, alice, { limit: 10 }, read), [], "she never got it: not in her history");
    assert.deepEqual((await historyFor(blocklist, bob, { limit: 10 }, read)).map((logged) => logged.id), ["bob-before"], "bob still has what he sent");
  });

  it("keeps a refusal stored for an IRC network without its adapter a block refusal when it is reported later", async () => {
    const ircEve = parseAddress("irc://libera/eve");
    await queue(message("from-irc-eve", ircEve));
    await settled();
    await blocklist.block(alice, ircEve);
    const irc = registry.get("irc", "libera");
    assert.ok(irc);
    registry.unregister(irc);
    offline = false;
    outbox.reachable(alice);
    await settled();
    assert.deepEqual(reported, [], "no adapter to tell: the report waits in the store");
    assert.deepEqual((await store.failures.senders()).map(addressKey), ["irc://libera/eve"]);

    registry.register(irc);
    await failures.flushNetwork("irc", "libera");
    assert.deepEqual(reported, ["irc://libera/eve from-irc-eve native:alice GW_ERR_UNKNOWN_RECIPIENT nobody is known at native:alice (block)"]);
    assert.deepEqual(await store.failures.senders(), []);
  });
});
