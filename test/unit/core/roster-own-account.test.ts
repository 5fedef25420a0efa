import assert from "node:assert/strict";
import type { Adapter, AdapterCapabilities, SubscriptionEvent } from "../../../src/core/adapter.js";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import { GatewayError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import { formatAddress, makeAddress, parseAddress, type Address } from "../../../src/core/model/address.js";
import type { Contact } from "../../../src/core/model/contact.js";
import type { Presence } from "../../../src/core/model/presence.js";
import type { Room } from "../../../src/core/model/room.js";
import { PresenceHub } from "../../../src/core/presence-hub.js";
import { Roster } from "../../../src/core/roster.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";
import { FakeAccount } from "./fake-account.js";

const alice = parseAddress("native:alice");
const bob = parseAddress("native:bob");
const juliet = parseAddress("xmpp://u.alice/juliet@example.org");

/** alice's linked account that keeps its list on its network, as the XMPP roster is: records each edit. */
class OwnAccount extends FakeAccount {
  readonly edits: string[] = [];
  down = false;

  routeOf(address: Address): Address | undefined {
    return address.protocol === "xmpp" && address.account === "default" ? makeAddress("xmpp", this.account, address.id) : undefined;
  }

  async addContact(_owner: Address, address: Address, name: string | undefined): Promise<void> {
    if (this.down) throw new GatewayError("GW_ERR_UNAVAILABLE", "not connected", { retryable: true });
    this.edits.push(`add ${formatAddress(address)} ${name ?? "(its own name)"}`);
  }

  async removeContact(_owner: Address, address: Address): Promise<void> {
    if (this.down) throw new GatewayError("GW_ERR_UNAVAILABLE", "not connected", { retryable: true });
    this.edits.push(`remove ${formatAddress(address)}`);
  }

  override async sendSubscription(event: SubscriptionEvent): Promise<void> {
    this.edits.push(`${event.action} ${formatAddress(event.to)}`);
  }
}

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

describe("Roster with a person's own account that keeps its list on its network", () => {
  let store: Store;
  let roster: Roster;
  let presence: PresenceHub;
  let account: OwnAccount;
  let sessions: NativeSessions;

  beforeEach(() => {
    store = openSqliteStore(":memory:");
    const registry = new AdapterRegistry();
    account = new OwnAccount({ owner: alice, account: "u.alice", login: "alice@example.org", password: "x", service: "xmpps://example.org" });
    sessions = new NativeSessions();
    registry.register(account);
    registry.register(sessions);
    const log = createLogger("silent");
    presence = new PresenceHub(store.contacts, registry, log);
    roster = new Roster(store.contacts, store.sentRequests, registry, presence, log);
  });

  afterEach(async () => {
    await store.close();
  });

  it("takes an address of the network as a whole through the owner's own account, for that owner only", () => {
    const written = parseAddress("xmpp:juliet@example.org");
    assert.equal(formatAddress(roster.routeFor(alice, written)), "xmpp://u.alice/juliet@example.org");
    assert.equal(roster.routeFor(bob, written), written);
    assert.equal(roster.routeFor(alice, parseAddress("irc://libera/juliet")).account, "libera");
    assert.equal(roster.keptOnNetwork(alice, juliet), true);
    assert.equal(roster.keptOnNetwork(alice, written), false);
  });

  it("adds on the network first, and keeps nothing when the network cannot take it", async () => {
    account.down = true;
    await assert.rejects(roster.add(alice, juliet, "Juliet"), { code: "GW_ERR_UNAVAILABLE" });
    assert.equal(await store.contacts.get(alice, juliet), undefined);
    account.down = false;
    assert.deepEqual(await roster.add(alice, juliet, "Juliet"), entry(juliet, { name: "Juliet" }));
    await roster.add(alice, juliet);
    assert.deepEqual(account.edits, ["add xmpp://u.alice/juliet@example.org Juliet", "add xmpp://u.alice/juliet@example.org (its own name)"]);
    assert.equal((await store.contacts.get(alice, juliet))?.name, "Juliet");
  });

  it("removes on the network, with the contact's side and the request made, and keeps all when it cannot", async () => {
    await store.contacts.put(entry(juliet, { subscription: "to" }));
    await store.contacts.put({ owner: juliet, address: alice, name: "alice", subscription: "from", pendingOut: false, pendingIn: false });
    await store.sentRequests.put(alice, juliet);
    account.down = true;
    await assert.rejects(roster.remove(alice, juliet), { code: "GW_ERR_UNAVAILABLE" });
    assert.ok(await store.contacts.get(alice, juliet));
    account.down = false;
    await roster.remove(alice, juliet);
    assert.deepEqual(account.edits, ["remove xmpp://u.alice/juliet@example.org"]);
    assert.equal(await store.contacts.get(alice, juliet), undefined);
    assert.equal(await store.contacts.get(juliet, alice), undefined);
    assert.equal(await store.sentRequests.has(alice, juliet), false);
  });

  it("refuses, as it removes the entry, a request the owner never answered (no item of the network's list)", async () => {
    await store.contacts.put(entry(juliet, { pendingIn: true }));
    await roster.remove(alice, juliet);
    assert.deepEqual(account.edits, ["remove xmpp://u.alice/juliet@example.org", "deny xmpp://u.alice/juliet@example.org"]);
    assert.equal(await store.contacts.get(alice, juliet), undefined);
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
