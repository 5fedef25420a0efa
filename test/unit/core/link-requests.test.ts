import assert from "node:assert/strict";
import { AdapterRegistry } from "../../../src/core/adapter-registry.js";
import type { Adapter, AdapterCapabilities } from "../../../src/core/adapter.js";
import { GatewayError } from "../../../src/core/errors.js";
import { LinkRequests } from "../../../src/core/link-requests.js";
import { createLogger } from "../../../src/core/logger.js";
import { formatAddress, parseAddress, type Address } from "../../../src/core/model/address.js";
import type { Room } from "../../../src/core/model/room.js";
import { openSqliteStore } from "../../../src/store/sqlite/index.js";
import type { Store } from "../../../src/store/store.js";

const alice = parseAddress("native:alice");
const juliet = parseAddress("xmpp:juliet@example.org");
const nick = parseAddress("irc://libera/alicenick");

/** A network that records what it was asked: `askToShare` only where its presence needs consent. */
class RecordingNetwork implements Adapter {
  readonly capabilities: AdapterCapabilities = { directMessages: true, rooms: false, presence: true, subscriptions: true, typing: false, actions: false, notices: false, corrections: false, relaysRooms: false, puppets: false };
  readonly done: string[] = [];
  /** The network's connection is down: nothing can be written to it. */
  down = false;
  askToShare?: (subject: Address, watcher: Address) => Promise<void>;

  constructor(
    readonly protocol: "xmpp" | "irc",
    readonly account: string,
    consent: boolean,
  ) {
    if (consent) this.askToShare = async (subject, watcher) => this.record(`asked ${formatAddress(subject)} for ${formatAddress(watcher)}`);
  }

  private record(what: string): void {
    if (this.down) throw new GatewayError("GW_ERR_UNAVAILABLE", "not connected", { retryable: true });
    this.done.push(what);
  }

  async watchPresence(subject: Address, watcher: Address): Promise<void> {
    this.record(`watched ${formatAddress(subject)} for ${formatAddress(watcher)}`);
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async knows(): Promise<boolean> {
    return true;
  }
  async send(): Promise<{ delivered: true }> {
    return { delivered: true };
  }
  async sendPresence(): Promise<void> {}
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

describe("LinkRequests: a linked account asked once per link to share its presence", () => {
  let store: Store;
  let xmpp: RecordingNetwork;
  let irc: RecordingNetwork;
  let contactsSeen: Set<string>;
  let requests: LinkRequests;
  const asked = `asked ${formatAddress(juliet)} for native:alice`;
  const watched = `watched ${formatAddress(juliet)} for native:alice`;

  beforeEach(() => {
    store = openSqliteStore(":memory:");
    const registry = new AdapterRegistry();
    xmpp = new RecordingNetwork("xmpp", "default", true);
    irc = new RecordingNetwork("irc", "libera", false);
    registry.register(xmpp);
    registry.register(irc);
    contactsSeen = new Set();
    requests = new LinkRequests({
      registry,
      records: store.buddyOffers,
      maySee: async (viewer, subject) => contactsSeen.has(`${formatAddress(viewer)} ${formatAddress(subject)}`),
      log: createLogger("silent"),
    });
  });

  afterEach(async () => {
    await store.close();
  });

  it("asks at the link, and when the network comes back neither a pending nor a refused request again", async () => {
    await requests.linked(alice, juliet);
    await requests.watch(alice, juliet);
    assert.deepEqual(xmpp.done, [asked], "pending: her server keeps it");
    await requests.answered(alice, juliet, false);
    await requests.watch(alice, juliet);
    assert.deepEqual(xmpp.done, [asked], "refused");
    assert.deepEqual(await store.buddyOffers.listFor(juliet), [{ viewer: juliet, contact: alice, state: "refused" }]);
  });

  it("watches an approved account when the network comes back", async () => {
    await requests.linked(alice, juliet);
    await requests.answered(alice, juliet, true);
    await requests.watch(alice, juliet);
    assert.deepEqual(xmpp.done, [asked, watched]);
  });

  it("asks when the network comes back a request that never reached it, once", async () => {
    xmpp.down = true;
    await assert.rejects(requests.linked(alice, juliet), { code: "GW_ERR_UNAVAILABLE" });
    xmpp.down = false;
    await requests.watch(alice, juliet);
    await requests.watch(alice, juliet);
    assert.deepEqual(xmpp.done, [asked]);
  });

  it("asks again for a link made again, whatever the earlier one was answered", async () => {
    await requests.linked(alice, juliet);
    await requests.answered(alice, juliet, false);
    await requests.unlinked(alice, juliet);
    assert.deepEqual(await store.buddyOffers.listFor(juliet), []);
    await requests.linked(alice, juliet);
    assert.deepEqual(xmpp.done, [asked, asked]);
    await requests.answered(alice, juliet, false);
    await requests.linked(alice, juliet); // linked again without a word of the unlinking (a crash in between)
    assert.deepEqual(xmpp.done, [asked, asked, asked]);
  });

  it("watches without asking an account that the person sees as a contact, and one on a network that needs no consent", async () => {
    contactsSeen.add("native:alice xmpp:juliet@example.org");
    await requests.linked(alice, juliet);
    await requests.linked(alice, nick);
    await requests.watch(alice, nick);
    assert.deepEqual(xmpp.done, [watched]);
    assert.deepEqual(irc.done, ["watched irc://libera/alicenick for native:alice", "watched irc://libera/alicenick for native:alice"]);
    assert.deepEqual(await store.buddyOffers.listFor(juliet), [], "nothing asked, nothing recorded");
  });
});
