import assert from "node:assert/strict";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import type { Adapter } from "../../../src/core/adapter.js";
import { FailureReports } from "../../../src/core/failure-reports.js";
import { createLogger } from "../../../src/core/logger.js";
import { MessageIdGenerator } from "../../../src/core/message-id.js";
import { parseAddress } from "../../../src/core/model/address.js";
import type { Message, MessageDraft } from "../../../src/core/model/message.js";
import { deliveredLate, EARLIEST_SENT_AT, keptSentAt, saidAt, SENT_AT_TOLERANCE_MS } from "../../../src/core/model/sent-at.js";
import { Outbox } from "../../../src/core/outbox.js";
import { Router } from "../../../src/core/router.js";
import type { RouterDependencies } from "../../../src/core/router-dependencies.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";

const NOW = Date.UTC(2026, 11, 7, 3, 0, 0);

describe("sentAt: when a message was said, kept only where its network tells a noticeably earlier time", () => {
  it("keeps a stamp earlier than the acceptance by more than the tolerance", () => {
    assert.equal(keptSentAt(NOW - SENT_AT_TOLERANCE_MS - 1, NOW), NOW - SENT_AT_TOLERANCE_MS - 1);
    assert.equal(keptSentAt(NOW - 3_600_000, NOW), NOW - 3_600_000);
  });

  it("drops a stamp within the tolerance: an ordinary live line's, read a little early", () => {
    assert.equal(keptSentAt(NOW - SENT_AT_TOLERANCE_MS, NOW), undefined);
    assert.equal(keptSentAt(NOW - 1_000, NOW), undefined);
    assert.equal(keptSentAt(NOW, NOW), undefined);
  });

  it("drops a stamp in the future: the line is taken as said now", () => {
    assert.equal(keptSentAt(NOW + 60_000, NOW), undefined);
  });

  it("drops absurd stamps: before 2000, not a number", () => {
    assert.equal(keptSentAt(0, NOW), undefined);
    assert.equal(keptSentAt(EARLIEST_SENT_AT - 1, NOW), undefined);
    assert.equal(keptSentAt(EARLIEST_SENT_AT, NOW), EARLIEST_SENT_AT);
    assert.equal(keptSentAt(Number.NaN, NOW), undefined);
    assert.equal(keptSentAt(undefined, NOW), undefined);
  });

  it("keeps whole milliseconds", () => {
    assert.equal(keptSentAt(NOW - 10_000.7, NOW), NOW - 10_001);
  });

  it("says a message was said at its sentAt, else at its acceptance", () => {
    assert.equal(saidAt({ timestamp: NOW, sentAt: NOW - 5_000 }), NOW - 5_000);
    assert.equal(saidAt({ timestamp: NOW }), NOW);
  });

  it("counts a delivery late when the message has a sentAt or waited longer than the tolerance", () => {
    assert.equal(deliveredLate({ timestamp: NOW }, NOW + 50), false);
    assert.equal(deliveredLate({ timestamp: NOW }, NOW + SENT_AT_TOLERANCE_MS), false);
    assert.equal(deliveredLate({ timestamp: NOW }, NOW + SENT_AT_TOLERANCE_MS + 1), true);
    assert.equal(deliveredLate({ timestamp: NOW, sentAt: NOW - 60_000 }, NOW), true);
  });
});

describe("Router: a draft's sentAt", () => {
  let store: Store;
  let outbox: Outbox;
  const ann = parseAddress("irc://src/ann");
  const bob = parseAddress("irc://dst/bob");

  afterEach(async () => {
    await outbox.stop();
    await store.close();
  });

  async function accepted(sentAt: number): Promise<{ delivered: Message; logged: Message | undefined }> {
    store = openSqliteStore(":memory:");
    const log = createLogger("silent");
    const registry = new AdapterRegistry();
    const failures = new FailureReports(store, registry, log);
    outbox = new Outbox(store, registry, log, { expireAfterMs: 60_000, retryIntervalMs: 60_000 }, failures);
    let sent: (message: Message) => void = () => undefined;
    const delivered = new Promise<Message>((resolve) => (sent = resolve));
    const network = (account: string): Adapter =>
      ({
        protocol: "irc",
        account,
        capabilities: { directMessages: true, relaysRooms: false },
        knows: async () => true,
        send: async (message: Message) => {
          sent(message);
          return { delivered: true };
        },
        reportFailure: async () => undefined,
        reportDelivered: async () => undefined,
      }) as unknown as Adapter;
    registry.register(network("src"));
    registry.register(network("dst"));
    const router = new Router({ registry, outbox, failures, ids: new MessageIdGenerator(), history: store.log, log, now: () => NOW, presence: {}, roster: {}, rooms: {}, linkRequests: {} } as unknown as RouterDependencies);
    const draft: MessageDraft = { origin: { protocol: "irc", account: "src" }, scope: "direct", kind: "text", from: ann, to: bob, senderName: "ann", body: "hello", sentAt };
    const message = await router.submit(draft);
    return { delivered: await delivered, logged: await store.log.get(message.id) };
  }

  it("is kept, delivered and logged when it is noticeably earlier than the acceptance", async () => {
    const { delivered, logged } = await accepted(NOW - 60_000);
    assert.equal(delivered.timestamp, NOW);
    assert.equal(delivered.sentAt, NOW - 60_000);
    assert.equal(logged?.sentAt, NOW - 60_000);
  });

  it("is dropped when it is within the tolerance or in the future", async () => {
    const live = await accepted(NOW - 500);
    assert.equal(live.delivered.sentAt, undefined);
    assert.equal("sentAt" in live.delivered, false);
    await outbox.stop();
    await store.close();
    const future = await accepted(NOW + 60_000);
    assert.equal(future.delivered.sentAt, undefined);
    assert.equal(future.logged?.sentAt, undefined);
  });
});
