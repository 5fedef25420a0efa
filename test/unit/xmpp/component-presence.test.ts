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
  let asked = 0;
  let inbound: ComponentInbound;

  beforeEach(() => {
    events.length = 0;
    related.clear();
    asked = 0;
    const context = {
      account: "default",
      log: quiet,
      dispatch: (event: InboundEvent) => events.push(event),
      related: async (a: Address, b: Address) => {
        asked += 1;
        return related.has(`${addressKey(a)} ${addressKey(b)}`);
      },
    } as unknown as AdapterContext;
    inbound = new ComponentInbound(DOMAIN, context, async () => undefined, {} as GatewayRooms);
  });

  /** Hands a presence stanza to the component and lets its handling run to the end. */
  async function receive(from: string, to: string, show?: string): Promise<void> {
    inbound.handle(xml("presence", { from, to }, ...(show === undefined ? [] : [xml("show", {}, show)])));
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
  }

  const presences = (): Presence[] => events.flatMap((event) => (event.type === "presence" ? [event.presence] : []));

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
