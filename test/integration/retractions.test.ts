import assert from "node:assert/strict";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD, useGateway } from "../helpers/gateway-fixture.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";

function messageOf(frame: Frame): Record<string, unknown> {
  return frame["message"] as Record<string, unknown>;
}

function shown(messages: unknown): unknown[] {
  return (messages as Record<string, unknown>[]).map((message) => [message["body"], message["retracted"] ?? false, message["retracts"] ?? null]);
}

describe("message retraction between native users", function () {
  const gateway = useGateway();
  const user = (name: string, register = true): Promise<NativeClient> => gateway.user(name, { register });

  it("retracts a direct message for the recipient and the sender's other sessions, leaving a tombstone in history", async function () {
    const aName = uniqueUser("ret");
    const bName = uniqueUser("rec");
    const sender = await user(aName);
    const elsewhere = await user(aName, false);
    const recipient = await user(bName);
    const original = await sender.ok({ type: "message.send", to: `native:${bName}`, body: "sent to the wrong person" });
    const originalId = original["message_id"] as string;
    await recipient.waitForType("message");
    await elsewhere.waitForType("message");
    const retraction = await sender.ok({ type: "message.retract", to: `native:${bName}`, message_id: originalId });
    const seen = messageOf(await recipient.waitForType("message"));
    assert.deepEqual([seen["id"], seen["retracts"], seen["body"], seen["from"]], [retraction["message_id"], originalId, "", `native:${aName}`]);
    const mirrored = messageOf(await elsewhere.waitForType("message"));
    assert.deepEqual([mirrored["retracts"], mirrored["carbon"]], [originalId, "sent"]);
    const history = await recipient.ok({ type: "history", with: `native:${aName}` });
    assert.deepEqual(shown(history["messages"]), [["", true, null], ["", false, originalId]], "the words are gone from the log");
  });

  it("refuses to retract someone else's message, an unknown one, or one twice, and refuses to correct a retracted one", async function () {
    const aName = uniqueUser("own");
    const bName = uniqueUser("oth");
    const owner = await user(aName);
    const other = await user(bName);
    const original = (await owner.ok({ type: "message.send", to: `native:${bName}`, body: "mine" }))["message_id"] as string;
    await other.waitForType("message");
    assert.equal((await other.request({ type: "message.retract", to: `native:${aName}`, message_id: original }))["code"], "GW_ERR_FORBIDDEN");
    assert.equal((await owner.request({ type: "message.retract", to: `native:${bName}`, message_id: "m0000000000zz" }))["code"], "GW_ERR_NOT_FOUND");
    await owner.ok({ type: "message.retract", to: `native:${bName}`, message_id: original });
    assert.equal((await owner.request({ type: "message.retract", to: `native:${bName}`, message_id: original }))["code"], "GW_ERR_NOT_FOUND", "retracted already");
    assert.equal((await owner.request({ type: "message.send", to: `native:${bName}`, body: "mine, again", replaces: original }))["code"], "GW_ERR_NOT_FOUND", "no correction brings it back");
  });

  it("retracts a room message for every member, with a tombstone in the room's history", async function () {
    const aName = uniqueUser("rma");
    const bName = uniqueUser("rmb");
    const a = await user(aName);
    const b = await user(bName);
    const room = uniqueUser("unsaid");
    await a.ok({ type: "room.create", name: room, subject: "" });
    await b.ok({ type: "room.join", room });
    const original = (await a.ok({ type: "room.send", room, body: "oops, wrong room" }))["message_id"] as string;
    await b.waitForType("message");
    assert.equal((await b.request({ type: "room.retract", room, message_id: original }))["code"], "GW_ERR_FORBIDDEN", "not b's to unsay");
    await a.ok({ type: "room.retract", room, message_id: original });
    assert.equal(messageOf(await b.waitForType("message"))["retracts"], original);
    const history = await b.ok({ type: "history", room });
    assert.deepEqual(shown(history["messages"]).slice(-2), [["", true, null], ["", false, original]]);
  });

  it("lets the room's owner remove a member's message with a reason (moderation): everyone is told who and why, the tombstone keeps it", async function () {
    const ownerName = uniqueUser("mod");
    const owner = await user(ownerName);
    const room = uniqueUser("modded");
    await owner.ok({ type: "room.create", name: room, subject: "" });
    const spammer = await user(uniqueUser("spm"));
    await spammer.ok({ type: "room.join", room });
    const bystander = await user(uniqueUser("bys"));
    await bystander.ok({ type: "room.join", room });
    const spam = (await spammer.ok({ type: "room.send", room, body: "cheap pills" }))["message_id"] as string;
    await bystander.waitForType("message");
    assert.equal((await bystander.request({ type: "room.retract", room, message_id: spam, reason: "I say so" }))["code"], "GW_ERR_FORBIDDEN", "a member moderates nothing");
    assert.equal((await spammer.request({ type: "room.retract", room, message_id: spam, reason: "mine" }))["code"], "GW_ERR_FORBIDDEN", "nor as a moderator her own");
    await owner.ok({ type: "room.retract", room, message_id: spam, reason: "spam" });
    const seen = messageOf(await bystander.waitForType("message", (frame) => messageOf(frame)["retracts"] !== undefined));
    assert.deepEqual([seen["retracts"], seen["from"], seen["moderated"]], [spam, `native:${ownerName}`, { by: ownerName, reason: "spam" }]);
    assert.deepEqual(messageOf(await spammer.waitForType("message", (frame) => messageOf(frame)["retracts"] !== undefined))["moderated"], { by: ownerName, reason: "spam" });
    const history = (await bystander.ok({ type: "history", room }))["messages"] as Record<string, unknown>[];
    assert.deepEqual(history.find((message) => message["id"] === spam)?.["moderated"], { by: ownerName, reason: "spam" }, "the tombstone says who and why");

  });

  it("drops a retracted message still waiting for an offline recipient: she never gets it, nor its retraction", async function () {
    const aName = uniqueUser("quk");
    const bName = uniqueUser("off");
    const sender = await user(aName);
    await (await user(bName)).close();
    const original = (await sender.ok({ type: "message.send", to: `native:${bName}`, body: "better unsaid" }))["message_id"] as string;
    await sender.ok({ type: "message.retract", to: `native:${bName}`, message_id: original });
    await sender.ok({ type: "message.send", to: `native:${bName}`, body: "after it" });
    const back = await user(bName, false);
    assert.equal(messageOf(await back.waitForType("message"))["body"], "after it", "the first message waiting is the one after");
    assert.deepEqual(back.pending("message"), []);
  });
});

describe("message retraction with the message log off", function () {
  let daemon: Daemon;
  const clients: NativeClient[] = [];
  before(async function () {
    daemon = Daemon.create("", "  message_log: false");
    await daemon.start();
  });
  after(async function () {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await daemon.dispose();
  });

  it("retracts a delivered message from memory, and no correction brings it back", async function () {
    const aName = uniqueUser("lga");
    const bName = uniqueUser("lgb");
    const a = await NativeClient.session(daemon.url, aName, PASSWORD, { register: true });
    const b = await NativeClient.session(daemon.url, bName, PASSWORD, { register: true });
    clients.push(a, b);
    const original = (await a.ok({ type: "message.send", to: `native:${bName}`, body: "forget this" }))["message_id"] as string;
    await b.waitForType("message");
    assert.equal((await b.request({ type: "message.retract", to: `native:${aName}`, message_id: original }))["code"], "GW_ERR_FORBIDDEN");
    await a.ok({ type: "message.retract", to: `native:${bName}`, message_id: original });
    assert.equal(messageOf(await b.waitForType("message"))["retracts"], original);
    assert.equal((await a.request({ type: "message.send", to: `native:${bName}`, body: "forget this!", replaces: original }))["code"], "GW_ERR_NOT_FOUND");
  });
});
