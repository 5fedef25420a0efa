import assert from "node:assert/strict";
import { uniqueUser } from "../helpers/daemon.js";
import { useGateway } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";

describe("presence between native users", function () {
  const gateway = useGateway();
  const user = (name: string, register = true): Promise<NativeClient> => gateway.user(name, { register });

  /** alice asks to see bob's presence and bob approves; then bob asks alice and she approves. */
  async function befriend(a: NativeClient, aName: string, b: NativeClient, bName: string): Promise<void> {
    await a.ok({ type: "presence.subscribe", address: `native:${bName}` });
    await b.waitForType("subscription", (frame) => frame["from"] === `native:${aName}` && frame["action"] === "request");
    await b.ok({ type: "presence.approve", address: `native:${aName}` });
    await a.waitForType("subscription", (frame) => frame["from"] === `native:${bName}` && frame["action"] === "approve");
    await a.waitForType("presence", (frame) => frame["from"] === `native:${bName}` && frame["show"] === "online");
    await b.ok({ type: "presence.subscribe", address: `native:${aName}` });
    await a.waitForType("subscription", (frame) => frame["action"] === "request");
    await a.ok({ type: "presence.approve", address: `native:${bName}` });
    await b.waitForType("presence", (frame) => frame["from"] === `native:${aName}` && frame["show"] === "online");
  }

  it("lets two users befriend each other and see every presence change, with status text", async function () {
    const aliceName = uniqueUser("alice");
    const bobName = uniqueUser("bob");
    const alice = await user(aliceName);
    const bob = await user(bobName);
    await befriend(alice, aliceName, bob, bobName);

    for (const [show, status] of [["away", "at lunch"], ["dnd", "in a meeting"], ["xa", "on holiday"], ["chat", "talk to me"], ["online", ""]] as const) {
      await bob.ok({ type: "presence.set", show, status });
      const seen = await alice.waitForType("presence", (frame) => frame["from"] === `native:${bobName}`);
      assert.equal(seen["show"], show);
      assert.equal(seen["status"], status);
    }

    const list = await alice.ok({ type: "contact.list" });
    const contacts = list["contacts"] as Record<string, unknown>[];
    assert.deepEqual(
      contacts.map((contact) => [contact["address"], contact["subscription"]]),
      [[`native:${bobName}`, "both"]],
    );
    assert.deepEqual(contacts[0]?.["presence"], { show: "online", status: "" });
  });

  it("shows a user as offline to their subscribers when they disconnect, and online again when they return", async function () {
    const carolName = uniqueUser("carol");
    const daveName = uniqueUser("dave");
    const carol = await user(carolName);
    const dave = await user(daveName);
    await befriend(carol, carolName, dave, daveName);

    await dave.close();
    const offline = await carol.waitForType("presence", (frame) => frame["from"] === `native:${daveName}`);
    assert.equal(offline["show"], "offline");

    await user(daveName, false);
    const online = await carol.waitForType("presence", (frame) => frame["from"] === `native:${daveName}`);
    assert.equal(online["show"], "online");
  });

  it("sends no presence to a user whose request was denied", async function () {
    const eveName = uniqueUser("eve");
    const frankName = uniqueUser("frank");
    const eve = await user(eveName);
    const frank = await user(frankName);
    await eve.ok({ type: "presence.subscribe", address: `native:${frankName}` });
    await frank.waitForType("subscription", (frame) => frame["action"] === "request");
    await frank.ok({ type: "presence.deny", address: `native:${eveName}` });
    await eve.waitForType("subscription", (frame) => frame["from"] === `native:${frankName}` && frame["action"] === "deny");

    await frank.ok({ type: "presence.set", show: "away", status: "secret" });
    // A ping round trip after the change: had a presence been sent, it would have arrived before the pong.
    await eve.ok({ type: "ping" });
    await frank.ok({ type: "ping" });
    await eve.ok({ type: "ping" });
    assert.equal(eve.pending("presence").filter((frame) => frame["status"] === "secret").length, 0);
    const list = await eve.ok({ type: "contact.list" });
    assert.deepEqual(list["contacts"], [{ address: `native:${frankName}`, name: frankName, subscription: "none", pending_out: false, pending_in: false }]);
  });

  it("stops sending presence after the subscriber unsubscribes", async function () {
    const ginaName = uniqueUser("gina");
    const hankName = uniqueUser("hank");
    const gina = await user(ginaName);
    const hank = await user(hankName);
    await befriend(gina, ginaName, hank, hankName);
    await gina.ok({ type: "presence.unsubscribe", address: `native:${hankName}` });
    await hank.waitForType("subscription", (frame) => frame["from"] === `native:${ginaName}` && frame["action"] === "remove");
    await hank.ok({ type: "presence.set", show: "dnd", status: "after unsubscribe" });
    await hank.ok({ type: "ping" });
    await gina.ok({ type: "ping" });
    assert.equal(gina.pending("presence").filter((frame) => frame["status"] === "after unsubscribe").length, 0);
  });

  it("refuses to approve a request nobody made", async function () {
    const ivyName = uniqueUser("ivy");
    const jackName = uniqueUser("jack");
    const ivy = await user(ivyName);
    await user(jackName);
    const answer = await ivy.request({ type: "presence.approve", address: `native:${jackName}` });
    assert.equal(answer.type, "error");
    assert.equal(answer["code"], "GW_ERR_NOT_FOUND");
  });

  it("lets nobody put themselves in a stranger's buddy list, or push them notices, by denying or unsubscribing them", async function () {
    const [erinName, fredName] = [uniqueUser("erin"), uniqueUser("fred")];
    const erin = await user(erinName);
    const fred = await user(fredName);
    await erin.ok({ type: "presence.deny", address: `native:${fredName}` });
    await erin.ok({ type: "presence.unsubscribe", address: `native:${fredName}` });
    // Then something fred is told: anything before it from erin would have come first.
    await erin.ok({ type: "presence.subscribe", address: `native:${fredName}` });
    await fred.waitForType("subscription", (frame) => frame["from"] === `native:${erinName}` && frame["action"] === "request");
    const fromErin = fred.transcript.filter((frame) => frame["from"] === `native:${erinName}`).map((frame) => `${String(frame.type)} ${String(frame["action"] ?? frame["show"])}`);
    assert.deepEqual(fromErin, ["subscription request"], "no presence, deny or remove pushed before her request");
    await erin.ok({ type: "presence.unsubscribe", address: `native:${fredName}` });
    await fred.waitForType("subscription", (frame) => frame["from"] === `native:${erinName}` && frame["action"] === "remove");
    const fredsList = (await fred.ok({ type: "contact.list" }))["contacts"] as Record<string, unknown>[];
    assert.deepEqual(
      fredsList.map((contact) => [contact["address"], contact["subscription"]]),
      [[`native:${erinName}`, "none"]],
      "her request put her in his list as one asking, and its withdrawal left a plain entry",
    );
  });
});
