/**
 * A native user's several sessions stay in step, against the real daemon: alice at her desk and on her phone (two
 * sessions of one user), bob elsewhere. What alice writes from one session is shown to the other (direct messages
 * marked `carbon: "sent"`, room lines as the room's).
 */
import assert from "node:assert/strict";
import { uniqueUser } from "../helpers/daemon.js";
import { useGateway } from "../helpers/gateway-fixture.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";

function messageOf(frame: Frame): Record<string, unknown> {
  return frame["message"] as Record<string, unknown>;
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
});
