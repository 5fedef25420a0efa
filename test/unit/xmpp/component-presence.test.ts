import assert from "node:assert/strict";
import { xml } from "@xmpp/component";
import type { AdapterContext, InboundEvent } from "../../../src/core/adapter.js";
import { addressKey, type Address } from "../../../src/core/model/address.js";
import type { Presence } from "../../../src/core/model/presence.js";
import { ComponentInbound } from "../../../src/adapters/xmpp/component-inbound.js";
import type { GatewayRooms } from "../../../src/adapters/xmpp/gateway-rooms.js";
import { MAX_RESOURCES, ResourcePresence } from "../../../src/adapters/xmpp/resource-presence.js";

const DOMAIN = "gw.example.org";
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe("XMPP presence into the component", () => {
  const events: InboundEvent[] = [];
  /** Pairs of address keys that know each other (AdapterContext.related). */
  const related = new Set<string>();
  /** Pairs "subject requester" of requests not answered yet (AdapterContext.awaitsAnswer), and the questions asked. */
  const unanswered = new Set<string>();
  const awaitsAsked: string[] = [];
  let asked = 0;
  let inbound: ComponentInbound;

  beforeEach(() => {
    events.length = 0;
    related.clear();
    unanswered.clear();
    awaitsAsked.length = 0;
    asked = 0;
    const context = {
      account: "default",
      log: quiet,
      dispatch: (event: InboundEvent) => events.push(event),
      related: async (a: Address, b: Address) => {
        asked += 1;
        return related.has(`${addressKey(a)} ${addressKey(b)}`);
      },
      awaitsAnswer: async (subject: Address, requester: Address) => {
        const pair = `${addressKey(subject)} ${addressKey(requester)}`;
        awaitsAsked.push(pair);
        return unanswered.has(pair);
      },
      knows: async () => true,
    } as unknown as AdapterContext;
    inbound = new ComponentInbound(DOMAIN, context, async () => undefined, { reset: () => undefined } as unknown as GatewayRooms);
  });

  /** Hands a presence stanza to the component and lets its handling run to the end. */
  async function receive(from: string, to: string, show?: string, type?: string): Promise<void> {
    inbound.handle(xml("presence", { from, to, ...(type === undefined ? {} : { type }) }, ...(show === undefined ? [] : [xml("show", {}, show)])));
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
  }

  const presences = (): Presence[] => events.flatMap((event) => (event.type === "presence" ? [event.presence] : []));
  /** The events the core got, in order, in short. */
  const told = (): string[] =>
    events.map((event) =>
      event.type === "subscription"
        ? `${event.subscription.action} ${addressKey(event.subscription.from)} -> ${addressKey(event.subscription.to)}`
        : event.type === "presence"
          ? `presence ${addressKey(event.presence.from)} ${event.presence.show}`
          : event.type,
    );

  it("ignores the presence of someone unrelated to its recipient, which XMPP lets anyone send from any number of JIDs", async () => {
    for (let i = 0; i < 20; i++) await receive(`u${i}@evil.example/r`, `alice@${DOMAIN}`, "away");
    assert.equal(asked, 20);
    assert.deepEqual(presences(), [], "nothing reached the core, and nothing was kept per sender");
  });

  it("passes on the presence of a contact of its recipient", async () => {
    related.add(`xmpp:juliet@example.org native:alice`);
    await receive("juliet@example.org/phone", `alice@${DOMAIN}`, "dnd");
    assert.deepEqual(
      presences().map((presence) => [addressKey(presence.from), presence.show]),
      [["xmpp:juliet@example.org", "dnd"]],
    );
  });

  describe("from someone asked to share her presence, whose answer the gateway did not hear", () => {
    const pair = "xmpp:juliet@example.org native:alice";

    it("takes her first presence to the requester as her approval, then passes the presence on", async () => {
      unanswered.add(pair);
      related.add(pair);
      await receive("juliet@example.org/phone", `alice@${DOMAIN}`, "away");
      assert.deepEqual(told(), ["approve xmpp:juliet@example.org -> native:alice", "presence xmpp:juliet@example.org away"]);
    });

    it("asks the core once per connection, and again after a reconnect", async () => {
      await receive("juliet@example.org/phone", `alice@${DOMAIN}`, "away");
      await receive("juliet@example.org/laptop", `alice@${DOMAIN}`, "dnd");
      assert.deepEqual(awaitsAsked, [pair]);
      assert.deepEqual(told(), [], "not approved, not related: nothing");
      inbound.reset();
      unanswered.add(pair);
      await receive("juliet@example.org/phone", `alice@${DOMAIN}`, "chat");
      assert.deepEqual(awaitsAsked, [pair, pair]);
      assert.deepEqual(told(), ["approve xmpp:juliet@example.org -> native:alice"]);
    });

    it("takes no unavailable presence for an approval (a server acknowledges a request it holds with one)", async () => {
      unanswered.add(pair);
      await receive(`juliet@example.org`, `alice@${DOMAIN}`, undefined, "unavailable");
      assert.deepEqual(awaitsAsked, []);
      assert.equal(told().filter((line) => line.startsWith("approve")).length, 0);
    });

    it("takes no presence after a subscription stanza of the pair heard on the connection for a second approval", async () => {
      unanswered.add(pair); // the core has not stored the approval yet
      await receive(`juliet@example.org`, `alice@${DOMAIN}`, undefined, "subscribed");
      await receive("juliet@example.org/phone", `alice@${DOMAIN}`, "away");
      assert.deepEqual(awaitsAsked, []);
      assert.deepEqual(told(), ["approve xmpp:juliet@example.org -> native:alice"]);
    });
  });
});

describe("ResourcePresence", () => {
  const juliet: Address = { protocol: "xmpp", account: "default", id: "juliet@example.org" };
  const at = (show: Presence["show"], priority = 0): Presence => ({ from: juliet, show, status: "", priority, since: 1 });

  it(`keeps at most ${MAX_RESOURCES} resources of one person: more are ignored, and a resource that goes frees its place`, () => {
    const resources = new ResourcePresence();
    for (let i = 0; i < MAX_RESOURCES; i++) resources.update(juliet, `r${i}`, at("away"));
    assert.equal(resources.update(juliet, "one-too-many", at("chat", 10)).show, "away", "the resource beyond the limit does not count");
    assert.equal(resources.update(juliet, "r0", at("dnd", 5)).show, "dnd", "a resource already kept still changes");
    resources.update(juliet, "r1", at("offline"));
    assert.equal(resources.update(juliet, "one-too-many", at("chat", 10)).show, "chat", "its place taken by the next one");
  });
});

describe("XMPP presence into the component: who is online to be told announcements", () => {
  it("counts a linked JID's sessions (and their end), not those of a mere contact", async () => {
    const heard: string[] = [];
    const audience = {
      available: (jid: string, resource: string) => void heard.push(`available ${jid}/${resource}`),
      unavailable: (jid: string, resource?: string) => void heard.push(`unavailable ${jid}/${resource ?? "*"}`),
      clear: () => void heard.push("clear"),
    };
    const context = {
      account: "default",
      log: quiet,
      dispatch: () => undefined,
      related: async () => true,
      awaitsAnswer: async () => false,
      knows: async () => true,
      linkedPerson: (address: Address) => (address.id === "juliet@example.org" ? { protocol: "native", account: "default", id: "alice" } : undefined),
    } as unknown as AdapterContext;
    const rooms = { reset: () => undefined } as unknown as GatewayRooms;
    const inbound = new ComponentInbound(DOMAIN, context, async () => undefined, rooms, "anyone", undefined, undefined, audience);
    for (const [from, type] of [["juliet@example.org/phone", undefined], ["romeo@example.org/laptop", undefined], ["juliet@example.org/phone", "unavailable"]] as const) {
      inbound.handle(xml("presence", { from, to: `alice@${DOMAIN}`, ...(type === undefined ? {} : { type }) }));
      for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    }
    inbound.reset();
    assert.deepEqual(heard, ["available juliet@example.org/phone", "unavailable juliet@example.org/phone", "clear"]);
  });
});
