import assert from "node:assert/strict";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import type { Adapter } from "../../../src/core/adapter.js";
import { GatewayError } from "../../../src/core/errors.js";
import { FailureReports } from "../../../src/core/failure-reports.js";
import { createLogger } from "../../../src/core/logger.js";
import { MessageIdGenerator } from "../../../src/core/message-id.js";
import { parseAddress, type Address } from "../../../src/core/model/address.js";
import type { Message } from "../../../src/core/model/message.js";
import { Outbox } from "../../../src/core/outbox.js";
import { Router } from "../../../src/core/router.js";
import type { RouterDependencies } from "../../../src/core/router-dependencies.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";

const ann = parseAddress("irc://src/ann");
const bob = parseAddress("irc://dst/bob");

/** A network of the test: `send` as given; its failure reports go to `reported`. */
function network(account: string, send: (message: Message) => Promise<{ delivered: true }>, reported: (message: Message) => void): Adapter {
  return {
    protocol: "irc",
    account,
    capabilities: { directMessages: true, relaysRooms: false },
    knows: async (address: Address) => address.account === account,
    send,
    reportFailure: async (message: Message) => reported(message),
    reportDelivered: async () => undefined,
  } as unknown as Adapter;
}

describe("Router: the sender's adapter learns a message's id before it is delivered anywhere", () => {
  let store: Store;
  let outbox: Outbox;

  afterEach(async () => {
    await outbox.stop();
    await store.close();
  });

  it("calls onAccepted before the recipient's network is asked, so a refusal at once is reported for a message its sender's adapter knows", async () => {
    store = openSqliteStore(":memory:");
    const log = createLogger("silent");
    const registry = new AdapterRegistry();
    const failures = new FailureReports(store, registry, log);
    outbox = new Outbox(store, registry, log, { expireAfterMs: 60_000, retryIntervalMs: 60_000 }, failures);
    const known = new Set<string>();
    const events: string[] = [];
    let reportMade: (knew: boolean) => void = () => undefined;
    const report = new Promise<boolean>((resolve) => (reportMade = resolve));
    registry.register(network("src", () => Promise.reject(new Error("nothing goes to src here")), (message) => reportMade(known.has(message.id))));
    registry.register(
      network(
        "dst",
        (message) => {
          events.push(`send ${known.has(message.id) ? "known" : "unknown"}`);
          // Refused at once, not retryable: the outbox reports it as soon as the message's rows are written.
          return Promise.reject(new GatewayError("GW_ERR_FORBIDDEN", "refused at once"));
        },
        () => undefined,
      ),
    );
    const router = new Router({
      registry,
      outbox,
      failures,
      ids: new MessageIdGenerator(),
      history: store.log,
      log,
      presence: {},
      roster: {},
      rooms: {},
      linkRequests: {},
    } as unknown as RouterDependencies);

    const submitted = router.submit(
      { origin: { protocol: "irc", account: "src" }, scope: "direct", kind: "text", from: ann, to: bob, senderName: "ann", body: "hello" },
      {
        onAccepted: (message) => {
          events.push("accepted");
          known.add(message.id);
        },
      },
    );
    assert.equal(await report, true, "the sender's adapter knew the message's id when its failure was reported");
    const message = await submitted;
    assert.ok(known.has(message.id));
    assert.deepEqual(events, ["accepted", "send known"]);
  });

  it("does not call onAccepted for a message it refuses", async () => {
    store = openSqliteStore(":memory:");
    const log = createLogger("silent");
    const registry = new AdapterRegistry();
    const failures = new FailureReports(store, registry, log);
    outbox = new Outbox(store, registry, log, { expireAfterMs: 60_000, retryIntervalMs: 60_000 }, failures);
    const router = new Router({ registry, outbox, failures, ids: new MessageIdGenerator(), history: store.log, log } as unknown as RouterDependencies);
    let called = false;
    await assert.rejects(
      router.submit({ origin: { protocol: "irc", account: "src" }, scope: "direct", kind: "text", from: ann, to: bob, senderName: "ann", body: "hello" }, { onAccepted: () => (called = true) }),
      { code: "GW_ERR_NO_ROUTE" },
    );
    assert.equal(called, false);
  });
});
