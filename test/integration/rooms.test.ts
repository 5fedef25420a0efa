import assert from "node:assert/strict";
import { uniqueUser } from "../helpers/daemon.js";
import { useGateway } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";

describe("rooms on the gateway", function () {
  const gateway = useGateway();
  const user = (name: string, register = true): Promise<NativeClient> => gateway.user(name, { register });

  it("carries a conversation between three members, each message to the two others, in order", async function () {
    const names = [uniqueUser("ro"), uniqueUser("sam"), uniqueUser("tia")] as const;
    const [ro, sam, tia] = await Promise.all(names.map((name) => user(name)));
    if (!ro || !sam || !tia) throw new Error("three sessions expected");
    const room = uniqueUser("lounge");
    const created = await ro.ok({ type: "room.create", name: room, subject: "welcome" });
    const address = (created["room"] as Record<string, unknown>)["address"];
    assert.equal(address, `native:%23${room}`);

    await sam.ok({ type: "room.join", room });
    const joinedSeen = await ro.waitForType("room.member");
    assert.deepEqual(joinedSeen["member"], { address: `native:${names[1]}`, nick: names[1], role: "member" });
    const joined = await tia.ok({ type: "room.join", room: `#${room}`, nick: "Tia" });
    assert.deepEqual(
      (joined["members"] as Record<string, unknown>[]).map((member) => member["nick"]),
      [names[0], names[1], "Tia"],
    );

    const listed = await sam.ok({ type: "room.list" });
    assert.ok((listed["rooms"] as Record<string, unknown>[]).some((entry) => entry["name"] === room && entry["members"] === 3 && entry["subject"] === "welcome"));

    await ro.ok({ type: "room.send", room, body: "one from ro" });
    await sam.ok({ type: "room.send", room, body: "two from sam" });
    await tia.ok({ type: "room.send", room, body: "three from tia", kind: "action" });

    const body = (frame: Record<string, unknown>): unknown => (frame["message"] as Record<string, unknown>)["body"];
    assert.deepEqual((await ro.collect("message", 2)).map(body), ["two from sam", "three from tia"]);
    assert.deepEqual((await sam.collect("message", 2)).map(body), ["one from ro", "three from tia"]);
    assert.deepEqual((await tia.collect("message", 2)).map(body), ["one from ro", "two from sam"]);

    await tia.ok({ type: "room.leave", room });
    const left = await sam.waitForType("room.member", (frame) => frame["event"] === "left");
    assert.equal((left["member"] as Record<string, unknown>)["address"], `native:${names[2]}`);
    await ro.ok({ type: "room.send", room, body: "after tia left" });
    assert.equal(body(await sam.waitForType("message")), "after tia left");
    const refused = await tia.request({ type: "room.send", room, body: "not a member" });
    assert.equal(refused["code"], "GW_ERR_NOT_MEMBER");

    const history = await sam.ok({ type: "history", room });
    assert.deepEqual((history["messages"] as Record<string, unknown>[]).map((message) => message["body"]), [
      "one from ro",
      "two from sam",
      "three from tia",
      "after tia left",
    ]);
    // Catching up: the earliest messages after the last one seen, page by page.
    const ids = (history["messages"] as Record<string, unknown>[]).map((message) => String(message["id"]));
    const after = async (id: string | undefined): Promise<unknown[]> =>
      ((await tia.ok({ type: "history", room, after: id, limit: 2 }))["messages"] as Record<string, unknown>[]).map((message) => message["body"]);
    await tia.ok({ type: "room.join", room });
    assert.deepEqual(await after(ids[0]), ["two from sam", "three from tia"]);
    assert.deepEqual(await after(ids[2]), ["after tia left"]);
    assert.deepEqual(await after(ids[3]), []);
    const between = await tia.ok({ type: "history", room, after: ids[0], before: ids[3] });
    assert.deepEqual((between["messages"] as Record<string, unknown>[]).map((message) => message["body"]), ["two from sam", "three from tia"]);
  });

  it("keeps each user's name theirs: nobody joins or renames as them, nor as a lookalike of it", async function () {
    const [owner, alice, bob] = [uniqueUser("own"), uniqueUser("alice"), uniqueUser("bob")];
    const [ownerClient, , bobClient] = await Promise.all([owner, alice, bob].map((name) => user(name)));
    if (!ownerClient || !bobClient) throw new Error("sessions expected");
    const room = uniqueUser("team");
    await ownerClient.ok({ type: "room.create", name: room });
    // alice is not in the room: her name is still hers.
    for (const nick of [alice, alice.toUpperCase(), `${alice}\u200b`, `${alice} `]) {
      const refused = await bobClient.request({ type: "room.join", room, nick });
      assert.equal(refused.type, "error", JSON.stringify(nick));
      assert.ok(["GW_ERR_NICK_IN_USE", "GW_ERR_BAD_ADDRESS"].includes(String(refused["code"])), `${JSON.stringify(nick)}: ${String(refused["code"])}`);
    }
    await bobClient.ok({ type: "room.join", room });
    assert.equal((await bobClient.request({ type: "room.nick", room, nick: alice }))["code"], "GW_ERR_NICK_IN_USE");
  });

  it("tells members about a new subject", async function () {
    const [uma, vic] = await Promise.all([user(uniqueUser("uma")), user(uniqueUser("vic"))]);
    if (!uma || !vic) throw new Error("two sessions expected");
    const room = uniqueUser("topic");
    await uma.ok({ type: "room.create", name: room });
    await vic.ok({ type: "room.join", room });
    await uma.ok({ type: "room.subject", room, subject: "release on friday" });
    const seen = await vic.waitForType("room.subject");
    assert.equal(seen["subject"], "release on friday");
    const members = await vic.ok({ type: "room.members", room });
    assert.equal((members["room"] as Record<string, unknown>)["subject"], "release on friday");
    // Members' addresses are for members: someone outside the room is refused the list.
    const outsider = await user(uniqueUser("wes"));
    assert.equal((await outsider.request({ type: "room.members", room }))["code"], "GW_ERR_NOT_MEMBER");
  });

  it("lets a member correct their own room message but not another member's", async function () {
    const [xia, yan] = await Promise.all([user(uniqueUser("xia")), user(uniqueUser("yan"))]);
    if (!xia || !yan) throw new Error("two sessions expected");
    const room = uniqueUser("edits");
    await xia.ok({ type: "room.create", name: room });
    await yan.ok({ type: "room.join", room });
    const original = await xia.ok({ type: "room.send", room, body: "meeting at 3" });
    await yan.waitForType("message");
    const forged = await yan.request({ type: "room.send", room, body: "meeting cancelled", replaces: original["message_id"] as string });
    assert.equal(forged["code"], "GW_ERR_FORBIDDEN");
    await xia.ok({ type: "room.send", room, body: "meeting at 4", replaces: original["message_id"] as string });
    const corrected = (await yan.waitForType("message"))["message"] as Record<string, unknown>;
    assert.deepEqual([corrected["body"], corrected["replaces"]], ["meeting at 4", original["message_id"]]);
  });

  it("refuses a second room with the same name and unknown rooms", async function () {
    const wes = await user(uniqueUser("wes"));
    const room = uniqueUser("dup");
    await wes.ok({ type: "room.create", name: room });
    assert.equal((await wes.request({ type: "room.create", name: room }))["code"], "GW_ERR_ROOM_EXISTS");
    assert.equal((await wes.request({ type: "room.join", room: "no-such-room" }))["code"], "GW_ERR_NOT_FOUND");
  });
});
