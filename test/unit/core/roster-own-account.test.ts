import assert from "node:assert/strict";
import type { Adapter, AdapterCapabilities } from "../../../src/core/adapter.js";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import { GatewayError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import { formatAddress, parseAddress, type Address } from "../../../src/core/model/address.js";
import type { Contact } from "../../../src/core/model/contact.js";
import type { Presence } from "../../../src/core/model/presence.js";
import type { Room } from "../../../src/core/model/room.js";
import { PresenceHub } from "../../../src/core/presence-hub.js";
import { Roster } from "../../../src/core/roster.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";
import { FakeAccount } from "./fake-account.js";

const alice = parseAddress("native:alice");
const juliet = parseAddress("xmpp://u.alice/juliet@example.org");

/** The native users' sessions: records the presence they are told. */
class NativeSessions implements Adapter {
  readonly protocol = "native";
  readonly account = "default";
  readonly capabilities: AdapterCapabilities = { directMessages: true, rooms: true, presence: true, subscriptions: true, typing: true, actions: true, notices: true, corrections: true, relaysRooms: false, puppets: false };
  readonly told: string[] = [];

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async knows(): Promise<boolean> {
    return true;
  }
  async send(): Promise<{ delivered: true }> {
    return { delivered: true };
  }
  async sendPresence(presence: Presence, to: Address): Promise<void> {
    this.told.push(`${formatAddress(to)}: ${formatAddress(presence.from)} ${presence.show}`);
  }
  async watchPresence(): Promise<void> {}
  async setPresence(): Promise<void> {}
  async sendSubscription(): Promise<void> {}
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

function entry(address: Address, fields: Partial<Contact> = {}): Contact {
  return { owner: alice, address, name: address.id, subscription: "none", pendingOut: false, pendingIn: false, ...fields };
}

describe("Roster with a person's own account: the network's reports", () => {
  let store: Store;
  let roster: Roster;
  let presence: PresenceHub;
  let sessions: NativeSessions;

  beforeEach(() => {
    store = openSqliteStore(":memory:");
    const registry = new AdapterRegistry();
    sessions = new NativeSessions();
    registry.register(new FakeAccount({ owner: alice, account: "u.alice", login: "alice@example.org", password: "x", service: "xmpps://example.org" }));
    registry.register(sessions);
    const log = createLogger("silent");
    presence = new PresenceHub(store.contacts, registry, log);
    roster = new Roster(store.contacts, store.sentRequests, registry, presence, log);
  });

  afterEach(async () => {
    await store.close();
  });

  it("tells the owner the contact's presence when the network's report of the approval is stored after it came", async () => {
    await store.contacts.put(entry(juliet, { pendingOut: true }));
    await presence.update({ from: juliet, show: "chat", status: "on the balcony", priority: 0, since: 1 });
    assert.deepEqual(sessions.told, [], "alice could not see it yet");
    await roster.mirror(entry(juliet, { subscription: "to" }));
    assert.deepEqual(sessions.told, ["native:alice: xmpp://u.alice/juliet@example.org chat"]);
    await roster.mirror(entry(juliet, { subscription: "both" }));
    assert.equal(sessions.told.length, 1, "told once, at the approval");
  });
});
