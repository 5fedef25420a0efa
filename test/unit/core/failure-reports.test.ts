import assert from "node:assert/strict";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import { GatewayError } from "../../../src/core/errors.js";
import { FailureReports } from "../../../src/core/failure-reports.js";
import { createLogger } from "../../../src/core/logger.js";
import { parseAddress } from "../../../src/core/model/address.js";
import type { Message } from "../../../src/core/model/message.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";
import { FakeAccount } from "./fake-account.js";

const juliet = parseAddress("xmpp:juliet@example.org");
const romeo = parseAddress("native:romeo");

/** An XMPP network that is down until told otherwise, recording the failure reports it carries. */
class Network extends FakeAccount {
  up = false;
  readonly reports: string[] = [];
  override async reportFailure(message: Message): Promise<void> {
    if (!this.up) throw new GatewayError("GW_ERR_UNAVAILABLE", "down", { retryable: true });
    this.reports.push(message.id);
  }
}

describe("FailureReports", () => {
  let store: Store;
  let network: Network;
  let reports: FailureReports;
  const message: Message = { id: "m1", origin: { protocol: "xmpp", account: "default", id: "s1" }, hops: [], scope: "direct", kind: "text", from: juliet, to: romeo, senderName: "juliet", body: "hi", timestamp: 1 };

  beforeEach(async () => {
    store = openSqliteStore(":memory:");
    await store.accept([{ message, recipients: [] }]);
    const registry = new AdapterRegistry();
    network = new Network({ owner: romeo, account: "default", login: "", password: "", service: "" });
    registry.register(network);
    reports = new FailureReports(store, registry, createLogger("silent"));
  });
  afterEach(async () => {
    await store.close();
  });

  it("keeps a report its sender's network cannot take, and delivers it once that network is reachable again", async () => {
    await reports.report(message, romeo, new GatewayError("GW_ERR_EXPIRED", "not delivered within 60 s"));
    assert.deepEqual(network.reports, []);
    assert.equal((await store.failures.pending(juliet, 10)).length, 1);

    network.up = true;
    await reports.flushNetwork("irc", "default");
    assert.deepEqual(network.reports, [], "another network's return changes nothing");
    await reports.flushNetwork("xmpp", "default");
    assert.deepEqual(network.reports, ["m1"]);
    assert.deepEqual(await store.failures.pending(juliet, 10), [], "reported once, then forgotten");
  });
});
