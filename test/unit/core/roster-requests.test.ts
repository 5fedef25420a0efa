/**
 * A subscription request is made once (core/roster.ts): a reconnect or restart of the contact's network makes
 * again only a pending request that never reached it, and one answered or withdrawn is not made again.
 */
import assert from "node:assert/strict";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import type { Adapter, AdapterCapabilities, SubscriptionEvent } from "../../../src/core/adapter.js";
import { GatewayError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import { formatAddress, parseAddress } from "../../../src/core/model/address.js";
import type { Room } from "../../../src/core/model/room.js";
import { PresenceHub } from "../../../src/core/presence-hub.js";
import { Roster } from "../../../src/core/roster.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";

const alice = parseAddress("native:alice");
const bob = parseAddress("native:bob");
const juliet = parseAddress("xmpp:juliet@example.org");
const romeo = parseAddress("xmpp:romeo@example.org");

/** A network that records the subscription notices written to it, and fails them while `down`. */
class XmppNetwork implements Adapter {
  readonly protocol = "xmpp";
  readonly account = "default";
  readonly capabilities: AdapterCapabilities = { directMessages: true, rooms: false, presence: true, subscriptions: true, typing: false, actions: false, notices: false, corrections: false, relaysRooms: false, puppets: false };
  readonly written: string[] = [];
  down = false;

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async knows(): Promise<boolean> {
    return true;
  }
  async send(): Promise<{ delivered: true }> {
    return { delivered: true };
  }
  async sendPresence(): Promise<void> {}
  async watchPresence(): Promise<void> {}
  async setPresence(): Promise<void> {}
  async sendSubscription(event: SubscriptionEvent): Promise<void> {
    if (this.down) throw new GatewayError("GW_ERR_UNAVAILABLE", "not connected", { retryable: true });
    this.written.push(`${event.action} ${formatAddress(event.from)} -> ${formatAddress(event.to)}`);
  }
  async sendTyping(): Promise<void> {}
  async reportFailure(): Promise<void> {}
  async reportDelivered(): Promise<void> {}
  async sendMembership(): Promise<void> {}
  async sendMemberChange(): Promise<void> {}
  async sendTopic(): Promise<void> {}
  async joinRoom(): Promise<Room> {
    throw new GatewayError("GW_ERR_NO_ROUTE");
  }
  async leaveRoom(): Promise<void> {}
}

describe("Roster: a subscription request to another network is made once", () => {
  let store: Store;
  let xmpp: XmppNetwork;
  let registry: AdapterRegistry;
  const log = createLogger("silent");
  const rosterOn = (current: Store): Roster => new Roster(current.contacts, current.sentRequests, registry, new PresenceHub(current.contacts, registry, log), log);
  const requests = (): string[] => xmpp.written.filter((line) => line.startsWith("request "));

  beforeEach(() => {
    store = openSqliteStore(":memory:");
    registry = new AdapterRegistry();
    xmpp = new XmppNetwork();
    registry.register(xmpp);
  });

  afterEach(async () => {
    await store.close();
  });

  it("does not make a pending request again when the network comes back, nor after a restart", async () => {
    const roster = rosterOn(store);
    await roster.handle({ from: alice, to: juliet, action: "request" });
    await roster.resync("xmpp", "default");
    await roster.resync("xmpp", "default");
    await rosterOn(store).resync("xmpp", "default"); // a restart: a new roster on the same store
    assert.deepEqual(requests(), ["request native:alice -> xmpp:juliet@example.org"]);
    assert.equal((await store.contacts.get(alice, juliet))?.pendingOut, true, "still pending: she has not answered");
  });

  it("makes a request the network never got once it is back, and then no more", async () => {
    const roster = rosterOn(store);
    xmpp.down = true;
    await roster.handle({ from: alice, to: juliet, action: "request" });
    xmpp.down = false;
    await roster.resync("xmpp", "default");
    await roster.resync("xmpp", "default");
    assert.deepEqual(requests(), ["request native:alice -> xmpp:juliet@example.org"]);
  });

  it("makes a request again when its owner asks again, and not after it was answered or withdrawn", async () => {
    const roster = rosterOn(store);
    await roster.handle({ from: alice, to: juliet, action: "request" });
    await roster.handle({ from: juliet, to: alice, action: "deny" });
    assert.equal((await store.contacts.get(alice, juliet))?.pendingOut, false, "the entry shows the refusal");
    await roster.handle({ from: alice, to: juliet, action: "request" });
    await roster.handle({ from: bob, to: romeo, action: "request" });
    await roster.handle({ from: bob, to: romeo, action: "remove" });
    await roster.resync("xmpp", "default");
    assert.deepEqual(requests(), ["request native:alice -> xmpp:juliet@example.org", "request native:alice -> xmpp:juliet@example.org", "request native:bob -> xmpp:romeo@example.org"]);
    assert.equal(await store.sentRequests.has(bob, romeo), false, "a withdrawn request leaves no record");
  });
});
