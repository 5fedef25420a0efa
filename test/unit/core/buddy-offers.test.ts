import assert from "node:assert/strict";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import type { Adapter, AdapterCapabilities, ContactShowChange, SubscriptionEvent } from "../../../src/core/adapter.js";
import { BuddyOffers, buddyViewers } from "../../../src/core/buddy-offers.js";
import { GatewayError } from "../../../src/core/errors.js";
import { createLogger } from "../../../src/core/logger.js";
import { addressKey, formatAddress, parseAddress, sameAddress, type Address } from "../../../src/core/model/address.js";
import type { Presence } from "../../../src/core/model/presence.js";
import type { Room } from "../../../src/core/model/room.js";
import { PresenceHub } from "../../../src/core/presence-hub.js";
import { Roster } from "../../../src/core/roster.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";

const alice = parseAddress("native:alice");
const bob = parseAddress("native:bob");
const dave = parseAddress("native:dave");
const carol = parseAddress("irc://libera/carol");
const juliet = parseAddress("xmpp:juliet@example.org");
const romeo = parseAddress("xmpp:romeo@example.org");

/** A network adapter that records what the core asked of it. */
class RecordingNetwork implements Adapter {
  readonly capabilities: AdapterCapabilities = { directMessages: true, rooms: false, presence: true, subscriptions: true, typing: false, actions: false, notices: false, corrections: false, relaysRooms: false, puppets: false };
  readonly shown: string[] = [];
  readonly presences: string[] = [];
  readonly subscriptions: SubscriptionEvent[] = [];

  constructor(
    readonly protocol: "native" | "xmpp" | "irc",
    readonly account: string,
  ) {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async knows(): Promise<boolean> {
    return true;
  }
  async send(): Promise<{ delivered: true }> {
    return { delivered: true };
  }
  async sendPresence(presence: Presence, to: Address): Promise<void> {
    this.presences.push(`${formatAddress(presence.from)} ${presence.show} -> ${formatAddress(to)}`);
  }
  async watchPresence(): Promise<void> {}
  async setPresence(): Promise<void> {}
  async sendSubscription(event: SubscriptionEvent): Promise<void> {
    this.subscriptions.push(event);
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

class ShowingNetwork extends RecordingNetwork {
  /** The network's connection is down: nothing can be written to it. */
  down = false;

  async showContact(viewer: Address, contact: Address, name: string, change: ContactShowChange): Promise<void> {
    if (this.down) throw new GatewayError("GW_ERR_UNAVAILABLE", "not connected", { retryable: true });
    this.shown.push(`${change} ${formatAddress(contact)} (${name}) -> ${formatAddress(viewer)}`);
  }
}

describe("BuddyOffers: a person's buddy list shown to their linked accounts", () => {
  let store: Store;
  let xmpp: ShowingNetwork;
  let links: Array<{ person: Address; address: Address }>;
  let hub: PresenceHub;
  let roster: Roster;
  let offers: BuddyOffers;
  let identities: { personOf: (address: Address) => Address | undefined; linkedTo: (person: Address) => Address[]; allLinks: () => typeof links };
  let registry: AdapterRegistry;
  const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  beforeEach(async () => {
    store = openSqliteStore(":memory:");
    registry = new AdapterRegistry();
    xmpp = new ShowingNetwork("xmpp", "default");
    registry.register(new RecordingNetwork("native", "default"));
    registry.register(new RecordingNetwork("irc", "libera"));
    registry.register(xmpp);
    links = [];
    identities = {
      personOf: (address: Address) => links.find((link) => sameAddress(link.address, address))?.person,
      linkedTo: (person: Address) => links.filter((link) => sameAddress(link.person, person)).map((link) => link.address),
      allLinks: () => links,
    };
    const log = createLogger("silent");
    hub = new PresenceHub(store.contacts, registry, log, buddyViewers(identities, registry, store.buddyOffers));
    roster = new Roster(store.contacts, store.sentRequests, registry, hub, log, (contact, present) => void offers.contactChanged(contact, present));
    offers = new BuddyOffers({ contacts: store.contacts, offers: store.buddyOffers, registry, identities, presence: hub, maySee: (viewer, subject) => roster.maySee(viewer, subject), log });
    // alice sees bob (asked and approved), has carol (IRC) and romeo (XMPP) without seeing them.
    await roster.add(alice, bob, "Bob");
    await roster.handle({ from: alice, to: bob, action: "request" });
    await roster.handle({ from: bob, to: alice, action: "approve" });
    await roster.add(alice, carol);
    await roster.add(alice, romeo);
    await hub.update({ from: bob, show: "away", status: "", priority: 0, since: 1 });
  });

  afterEach(async () => {
    await store.close();
  });

  it("offers every contact but those of the linked account's own network, with the presence the person may see", async () => {
    links.push({ person: alice, address: juliet });
    await offers.linkChanged(alice, juliet, true);
    assert.deepEqual(xmpp.shown.sort(), ["offered irc://libera/carol (carol) -> xmpp:juliet@example.org", "offered native:bob (Bob) -> xmpp:juliet@example.org"]);
    assert.deepEqual(xmpp.presences, ["native:bob away -> xmpp:juliet@example.org"], "carol's presence is not alice's to see");
  });

  it("sends the linked account every later presence the person receives, and offers and withdraws contacts as the list changes", async () => {
    links.push({ person: alice, address: juliet });
    await hub.update({ from: bob, show: "dnd", status: "", priority: 0, since: 2 });
    assert.deepEqual(xmpp.presences, ["native:bob dnd -> xmpp:juliet@example.org"]);
    await roster.add(alice, dave, "Dave");
    await roster.remove(alice, dave);
    await flush();
    assert.deepEqual(xmpp.shown, ["offered native:dave (Dave) -> xmpp:juliet@example.org", "withdrawn native:dave (Dave) -> xmpp:juliet@example.org"]);
    links.length = 0;
    await offers.linkChanged(alice, juliet, false);
    await hub.update({ from: bob, show: "online", status: "", priority: 0, since: 3 });
    assert.equal(xmpp.presences.length, 1, "nothing after the unlink");
    assert.ok(xmpp.shown.includes("withdrawn native:bob (Bob) -> xmpp:juliet@example.org"));
  });

  it("sends a linked account no presence of a contact who blocked the person, at the offer or at its request", async () => {
    const blocked = new BuddyOffers({ contacts: store.contacts, offers: store.buddyOffers, registry, identities, presence: hub, maySee: (viewer, subject) => roster.maySee(viewer, subject), blocks: (owner, sender) => sameAddress(owner, bob) && sameAddress(sender, alice), log: createLogger("silent") });
    links.push({ person: alice, address: juliet });
    await blocked.linkChanged(alice, juliet, true);
    assert.ok(xmpp.shown.includes("offered native:bob (Bob) -> xmpp:juliet@example.org"), "still on her list");
    assert.equal(await blocked.subscription({ from: juliet, to: bob, action: "request" }), true);
    assert.deepEqual([xmpp.presences, xmpp.subscriptions], [[], []], "bob blocked alice: none of his presence, no approval");
  });

  it("answers the linked account's requests with the person's rights, and leaves other requests to the roster", async () => {
    links.push({ person: alice, address: juliet });
    assert.equal(await offers.subscription({ from: juliet, to: bob, action: "request" }), true);
    assert.deepEqual(xmpp.subscriptions, [{ from: bob, to: juliet, action: "approve" }]);
    assert.equal(await offers.subscription({ from: juliet, to: carol, action: "request" }), true, "handled: carol is never asked by juliet");
    assert.equal(xmpp.subscriptions.length, 1, "but not approved: alice does not see carol");
    assert.equal(await offers.subscription({ from: juliet, to: dave, action: "request" }), false, "dave is not on alice's list");
    assert.equal(await offers.subscription({ from: romeo, to: bob, action: "request" }), false, "romeo is nobody's linked account");
    assert.deepEqual(await store.contacts.list(bob).then((entries) => entries.map((entry) => addressKey(entry.address))), [addressKey(alice)], "nothing stored for juliet");
  });

  it("leaves to the roster what the linked account and a contact have between them (the contact asked to see it)", async () => {
    links.push({ person: alice, address: juliet });
    await roster.handle({ from: bob, to: juliet, action: "request" });
    assert.equal(await offers.subscription({ from: juliet, to: bob, action: "approve" }), false);
  });

  /** The daemon started again on the same store: nothing kept in memory. */
  function restarted(): BuddyOffers {
    const log = createLogger("silent");
    return new BuddyOffers({ contacts: store.contacts, offers: store.buddyOffers, registry, identities, presence: hub, maySee: (viewer, subject) => roster.maySee(viewer, subject), log });
  }

  it("offers each contact once: when the network comes back, or after a restart, recorded offers are only kept", async () => {
    links.push({ person: alice, address: juliet });
    await offers.linkChanged(alice, juliet, true);
    await offers.networkReachable("xmpp", "default");
    await restarted().networkReachable("xmpp", "default");
    assert.deepEqual(xmpp.shown.slice(2), [
      "kept irc://libera/carol (carol) -> xmpp:juliet@example.org",
      "kept native:bob (Bob) -> xmpp:juliet@example.org",
      "kept irc://libera/carol (carol) -> xmpp:juliet@example.org",
      "kept native:bob (Bob) -> xmpp:juliet@example.org",
    ]);
    assert.deepEqual(xmpp.presences, ["native:bob away -> xmpp:juliet@example.org", "native:bob away -> xmpp:juliet@example.org", "native:bob away -> xmpp:juliet@example.org"], "bob's presence again each time");
  });

  it("makes an offer the network never got once it comes back, and only that one", async () => {
    links.push({ person: alice, address: juliet });
    await offers.linkChanged(alice, juliet, true);
    xmpp.down = true;
    await roster.add(alice, dave, "Dave");
    await flush();
    xmpp.down = false;
    await restarted().networkReachable("xmpp", "default");
    assert.deepEqual(xmpp.shown.slice(2), [
      "kept irc://libera/carol (carol) -> xmpp:juliet@example.org",
      "kept native:bob (Bob) -> xmpp:juliet@example.org",
      "offered native:dave (Dave) -> xmpp:juliet@example.org",
    ]);
    await offers.networkReachable("xmpp", "default");
    assert.equal(xmpp.shown.at(-1), "kept native:dave (Dave) -> xmpp:juliet@example.org", "made once");
  });

  it("keeps a refused offer refused until the contact is added again or the link made again", async () => {
    links.push({ person: alice, address: juliet });
    await offers.linkChanged(alice, juliet, true);
    assert.equal(await offers.subscription({ from: juliet, to: bob, action: "deny" }), true);
    assert.equal(await offers.subscription({ from: juliet, to: carol, action: "approve" }), true);
    assert.deepEqual(
      (await store.buddyOffers.listFor(juliet)).map((offer) => `${formatAddress(offer.contact)} ${offer.state}`),
      ["irc://libera/carol approved", "native:bob refused"],
    );
    xmpp.shown.length = 0;
    await restarted().networkReachable("xmpp", "default");
    assert.deepEqual(xmpp.shown, ["kept irc://libera/carol (carol) -> xmpp:juliet@example.org", "kept native:bob (Bob) -> xmpp:juliet@example.org"]);

    xmpp.shown.length = 0;
    await roster.remove(alice, bob);
    await roster.add(alice, bob, "Bob");
    await flush();
    assert.deepEqual(xmpp.shown, ["withdrawn native:bob (Bob) -> xmpp:juliet@example.org", "offered native:bob (Bob) -> xmpp:juliet@example.org"]);
    await offers.subscription({ from: juliet, to: bob, action: "deny" });

    xmpp.shown.length = 0;
    links.length = 0;
    await offers.linkChanged(alice, juliet, false);
    links.push({ person: alice, address: juliet });
    await offers.linkChanged(alice, juliet, true);
    assert.deepEqual(xmpp.shown.filter((shown) => shown.startsWith("offered")).sort(), [
      "offered irc://libera/carol (carol) -> xmpp:juliet@example.org",
      "offered native:bob (Bob) -> xmpp:juliet@example.org",
    ]);
  });

  it("leaves the link's own request (the person as the contact, core/link-requests.ts) to its owner until the link is undone", async () => {
    links.push({ person: alice, address: juliet });
    await store.buddyOffers.put({ viewer: juliet, contact: alice, state: "refused" });
    await offers.linkChanged(alice, juliet, true);
    await offers.networkReachable("xmpp", "default");
    assert.deepEqual((await store.buddyOffers.listFor(juliet)).map((offer) => `${formatAddress(offer.contact)} ${offer.state}`), [
      "irc://libera/carol offered",
      "native:alice refused",
      "native:bob offered",
    ]);
    links.length = 0;
    await offers.linkChanged(alice, juliet, false);
    assert.deepEqual(await store.buddyOffers.listFor(juliet), []);
  });

  it("sends a refused contact's presence nowhere, live or when the network comes back, until the account asks to see it; a pending one's as ever", async () => {
    links.push({ person: alice, address: juliet });
    await offers.linkChanged(alice, juliet, true);
    await offers.subscription({ from: juliet, to: bob, action: "deny" });
    xmpp.presences.length = 0;
    await hub.update({ from: bob, show: "dnd", status: "", priority: 0, since: 2 });
    await restarted().networkReachable("xmpp", "default");
    assert.deepEqual(xmpp.presences, [], "refused");
    assert.equal(await offers.refused(juliet, bob), true);
    assert.equal(await offers.refused(juliet, carol), false);

    await roster.handle({ from: alice, to: carol, action: "request" });
    await roster.handle({ from: carol, to: alice, action: "approve" });
    assert.deepEqual(xmpp.presences, ["irc://libera/carol offline -> xmpp:juliet@example.org"], "carol's offer is pending: her presence goes");
    xmpp.presences.length = 0;
    await offers.subscription({ from: juliet, to: bob, action: "request" });
    await hub.update({ from: bob, show: "away", status: "", priority: 0, since: 3 });
    assert.deepEqual(xmpp.presences, ["native:bob dnd -> xmpp:juliet@example.org", "native:bob away -> xmpp:juliet@example.org"], "asked to see him: approved");
  });

  it("forgets the offers of contacts no longer on the list", async () => {
    links.push({ person: alice, address: juliet });
    await offers.linkChanged(alice, juliet, true);
    await store.contacts.remove(alice, carol); // removed without a word to the buddy list (an unlinked account's contacts)
    await offers.networkReachable("xmpp", "default");
    assert.deepEqual((await store.buddyOffers.listFor(juliet)).map((offer) => formatAddress(offer.contact)), ["native:bob"]);
  });
});
