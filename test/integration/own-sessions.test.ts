/**
 * A native user's several sessions stay in step, against the real daemon: alice at her desk and on her phone (two
 * sessions of one user), bob and carol elsewhere. What alice writes from one session is shown to the other (direct
 * messages marked `carbon: "sent"`, room lines as the room's), and every change of her buddy list, whoever makes it,
 * is pushed to all of her sessions as the entry contact.list shows (`contact`, `contact.removed`), once per change.
 */
import assert from "node:assert/strict";
import { uniqueUser } from "../helpers/daemon.js";
import { PASSWORD, useGateway } from "../helpers/gateway-fixture.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";

function messageOf(frame: Frame): Record<string, unknown> {
  return frame["message"] as Record<string, unknown>;
}

function contactOf(frame: Frame): Record<string, unknown> {
  return frame["contact"] as Record<string, unknown>;
}

/** The buddy-list pushes a session got, in order, as [type, address, subscription, pending_out, pending_in] or [type, address]. */
function listPushes(client: NativeClient): unknown[][] {
  return client.transcript
    .filter((frame) => frame.type === "contact" || frame.type === "contact.removed")
    .map((frame) => {
      if (frame.type === "contact.removed") return [frame.type, frame["address"]];
      const contact = contactOf(frame);
      return [frame.type, contact["address"], contact["subscription"], contact["pending_out"], contact["pending_in"]];
    });
}

describe("a native user's several sessions", function () {
  const gateway = useGateway();

  /** Two sessions of one new user: at the desk (registered there) and on the phone. */
  async function twoSessions(name: string): Promise<[NativeClient, NativeClient]> {
    const desk = await gateway.user(name);
    const phone = await gateway.user(name, { register: false });
    return [desk, phone];
  }

  it("shows a direct message sent from one session to the other as carbon \"sent\", corrections and actions too, and keeps it in history", async function () {
    const [alice, bob] = [uniqueUser("alice"), uniqueUser("bob")];
    const [desk, phone] = await twoSessions(alice);
    const bobs = await gateway.user(bob);

    const sent = await desk.ok({ type: "message.send", to: `native:${bob}`, body: "Lunch at noon?", client_id: "desk-1" });
    const copy = messageOf(await phone.waitForType("message"));
    assert.deepEqual(
      [copy["id"], copy["scope"], copy["from"], copy["to"], copy["body"], copy["client_id"], copy["carbon"]],
      [sent["message_id"], "direct", `native:${alice}`, `native:${bob}`, "Lunch at noon?", "desk-1", "sent"],
    );
    const received = messageOf(await bobs.waitForType("message"));
    assert.equal(received["carbon"], undefined, "the recipient gets the message as ever");

    await desk.ok({ type: "message.send", to: `native:${bob}`, body: "Lunch at one?", replaces: sent["message_id"] });
    await desk.ok({ type: "message.send", to: `native:${bob}`, body: "/me is hungry", kind: "action" });
    const [correction, action] = (await phone.collect("message", 2)).map(messageOf);
    assert.deepEqual([correction?.["replaces"], correction?.["carbon"], action?.["kind"], action?.["carbon"]], [sent["message_id"], "sent", "action", "sent"]);

    // The phone writes too: the desk sees it, and bob's answer reaches both once.
    await phone.ok({ type: "message.send", to: `native:${bob}`, body: "From the phone" });
    assert.equal(messageOf(await desk.waitForType("message"))["carbon"], "sent");
    await bobs.ok({ type: "message.send", to: `native:${alice}`, body: "Noon is fine" });
    for (const session of [desk, phone]) assert.equal(messageOf(await session.waitForType("message", (frame) => messageOf(frame)["body"] === "Noon is fine"))["carbon"], undefined);

    const own = (client: NativeClient): string[] => client.transcript.filter((frame) => frame.type === "message" && messageOf(frame)["from"] === `native:${alice}`).map((frame) => String(messageOf(frame)["body"]));
    assert.deepEqual(own(desk), ["From the phone"], "the sending session gets no copy of its own messages");
    assert.deepEqual(own(phone), ["Lunch at noon?", "Lunch at one?", "/me is hungry"]);

    // A session connected later reads them all in history.
    const later = await gateway.user(alice, { register: false });
    const history = (await later.ok({ type: "history", with: `native:${bob}` }))["messages"] as Record<string, unknown>[];
    assert.deepEqual(
      history.map((message) => message["body"]),
      ["Lunch at noon?", "Lunch at one?", "/me is hungry", "From the phone", "Noon is fine"],
    );
  });

  it("shows a room line written from one session to the user's other sessions once, as the room's line", async function () {
    const [alice, bob] = [uniqueUser("alice"), uniqueUser("bob")];
    const [desk, phone] = await twoSessions(alice);
    const bobs = await gateway.user(bob);
    const room = uniqueUser("sync");
    await desk.ok({ type: "room.create", name: room });
    await bobs.ok({ type: "room.join", room });
    await desk.waitForType("room.member", (frame) => frame["event"] === "joined");

    const sent = await desk.ok({ type: "room.send", room, body: "Hello room" });
    const line = messageOf(await phone.waitForType("message"));
    assert.deepEqual([line["id"], line["scope"], line["from"], line["body"], line["carbon"]], [sent["message_id"], "room", `native:${alice}`, "Hello room", undefined]);
    await bobs.waitForType("message", (frame) => messageOf(frame)["body"] === "Hello room");

    await bobs.ok({ type: "room.send", room, body: "Hello alice" });
    for (const session of [desk, phone]) await session.waitForType("message", (frame) => messageOf(frame)["body"] === "Hello alice");
    const lines = (client: NativeClient): string[] => client.transcript.filter((frame) => frame.type === "message").map((frame) => String(messageOf(frame)["body"]));
    assert.deepEqual(lines(desk), ["Hello alice"]);
    assert.deepEqual(lines(phone), ["Hello room", "Hello alice"]);
  });

  it("pushes every change of the buddy list to each session, once per change, whichever session or contact made it", async function () {
    const [alice, bob] = [uniqueUser("alice"), uniqueUser("bob")];
    const [desk, phone] = await twoSessions(alice);
    const bobs = await gateway.user(bob);
    const bobAddress = `native:${bob}`;
    const aliceAddress = `native:${alice}`;

    // From the desk: an entry added, then presence asked for (an entry written twice, one push).
    const added = await desk.ok({ type: "contact.add", address: bobAddress, name: "Bob" });
    await phone.waitForType("contact", (frame) => contactOf(frame)["name"] === "Bob");
    await desk.waitForType("contact", (frame) => contactOf(frame)["name"] === "Bob");
    assert.equal(((await phone.ok({ type: "contact.list" }))["contacts"] as unknown[]).length, 1);
    assert.equal((added["contact"] as Record<string, unknown>)["name"], "Bob");

    await phone.ok({ type: "presence.subscribe", address: bobAddress });
    await bobs.waitForType("subscription", (frame) => frame["action"] === "request");
    const asking = contactOf(await bobs.waitForType("contact"));
    assert.deepEqual([asking["address"], asking["subscription"], asking["pending_in"]], [aliceAddress, "none", true]);
    for (const session of [desk, phone]) await session.waitForType("contact", (frame) => contactOf(frame)["pending_out"] === true);

    // Bob's answer changes alice's list: both her sessions see it, as contact.list shows it (with his presence).
    await bobs.ok({ type: "presence.set", show: "away", status: "at lunch" });
    await bobs.ok({ type: "presence.approve", address: aliceAddress });
    for (const session of [desk, phone]) {
      const approved = contactOf(await session.waitForType("contact", (frame) => contactOf(frame)["subscription"] === "to"));
      assert.deepEqual([approved["address"], approved["name"], approved["pending_out"], approved["presence"]], [bobAddress, "Bob", false, { show: "away", status: "at lunch" }]);
    }
    assert.equal(contactOf(await bobs.waitForType("contact", (frame) => contactOf(frame)["subscription"] === "from"))["address"], aliceAddress);

    // Removed from the phone: withdrawn, then removed; one push on each side.
    await phone.ok({ type: "contact.remove", address: bobAddress });
    for (const session of [desk, phone]) await session.waitForType("contact.removed", (frame) => frame["address"] === bobAddress);
    await bobs.waitForType("contact", (frame) => contactOf(frame)["subscription"] === "none");
    // A change after it, so that nothing of the removal can come later unseen.
    await desk.ok({ type: "contact.add", address: bobAddress });
    for (const session of [desk, phone]) await session.waitForType("contact", (frame) => contactOf(frame)["name"] === bob);

    const expected = [
      ["contact", bobAddress, "none", false, false],
      ["contact", bobAddress, "none", true, false],
      ["contact", bobAddress, "to", false, false],
      ["contact.removed", bobAddress],
      ["contact", bobAddress, "none", false, false],
    ];
    assert.deepEqual(listPushes(desk), expected);
    assert.deepEqual(listPushes(phone), expected);
    assert.deepEqual(listPushes(bobs), [
      ["contact", aliceAddress, "none", false, true],
      ["contact", aliceAddress, "from", false, false],
      ["contact", aliceAddress, "none", false, false],
    ]);
  });

  it("tells every session of a contact's owner that a deleted account's entry is gone", async function () {
    const [alice, carol] = [uniqueUser("alice"), uniqueUser("carol")];
    const [desk, phone] = await twoSessions(alice);
    const carols = await gateway.user(carol);
    await desk.ok({ type: "contact.add", address: `native:${carol}` });
    for (const session of [desk, phone]) await session.waitForType("contact");

    await carols.ok({ type: "account.delete", password: PASSWORD });
    for (const session of [desk, phone]) await session.waitForType("contact.removed", (frame) => frame["address"] === `native:${carol}`);
    assert.deepEqual((await phone.ok({ type: "contact.list" }))["contacts"], []);
  });

  it("pushes nothing to another user's sessions, nor to a user whose list did not change", async function () {
    const [alice, dave] = [uniqueUser("alice"), uniqueUser("dave")];
    const [desk] = await twoSessions(alice);
    const daves = await gateway.user(dave);
    const other = await NativeClient.session(gateway.daemon().url, uniqueUser("erin"), PASSWORD, { register: true });
    await desk.ok({ type: "contact.add", address: `native:${dave}` });
    await desk.waitForType("contact");
    await desk.ok({ type: "contact.add", address: `native:${dave}` }); // the same entry again: no change
    await desk.ok({ type: "contact.add", address: `native:${dave}`, name: "Dave" });
    await desk.waitForType("contact", (frame) => contactOf(frame)["name"] === "Dave");
    assert.equal(listPushes(desk).length, 2, "the entry written again as it was is no change");
    assert.deepEqual(listPushes(daves), [], "adding someone asks nothing of them and changes nothing of theirs");
    assert.deepEqual(listPushes(other), []);
    await other.close();
  });
});
