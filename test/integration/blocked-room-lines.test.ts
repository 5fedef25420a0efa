/**
 * Room lines of someone a native user blocked (adapters/native/blocked-room-lines.ts), against a real ngIRCd: hidden
 * from her sessions and from her `history` of the room, as IRC's /ignore hides an ignored user's channel lines, while
 * everyone else in the room gets them and the log keeps them. A native member, and an IRC user of a bridged channel
 * blocked by hostmask.
 */
import assert from "node:assert/strict";
import type { Frame, NativeClient } from "../helpers/native-client.js";
import { NETWORK, useNetworks } from "../helpers/network-suite.js";

const TIMEOUT = 15_000;
const CHANNEL = "#blkroom";

const messageOf = (frame: Frame): Record<string, unknown> => frame["message"] as Record<string, unknown>;
const roomLine = (body: string) => (frame: Frame): boolean => messageOf(frame)["body"] === body;

describe("room lines of a blocked person", function () {
  const suite = useNetworks({ ircYaml: ["channels:", `  - channel: "${CHANNEL}"`, "    room: blkroom"] });

  /** The bodies of `client`'s history of `room`, at most `limit`. */
  async function history(client: NativeClient, room: string, limit: number): Promise<unknown[]> {
    return ((await client.ok({ type: "history", room, limit }))["messages"] as Frame[]).map((message) => message["body"]);
  }

  it("hides a blocked member's lines in a native room from her, live and in history, and from nobody else", async function () {
    const alice = await suite.native("alice");
    const bob = await suite.native("bob");
    const carol = await suite.native("carol");
    const room = `blkln${suite.nameOf(alice).slice(-6)}`.toLowerCase();
    await carol.ok({ type: "room.create", name: room });
    await alice.ok({ type: "room.join", room });
    await bob.ok({ type: "room.join", room });
    await carol.ok({ type: "room.send", room, body: "carol first" });
    await alice.waitForType("message", roomLine("carol first"), TIMEOUT);
    await alice.ok({ type: "contact.block", address: `native:${suite.nameOf(bob)}` });

    await bob.ok({ type: "room.send", room, body: "bob says" });
    await bob.ok({ type: "room.send", room, body: "/me waves", kind: "action" });
    await carol.waitForType("message", roomLine("/me waves"), TIMEOUT);
    assert.deepEqual(carol.pending("message").map((frame) => messageOf(frame)["body"]), ["bob says"], "carol gets bob's lines");
    await carol.ok({ type: "room.send", room, body: "carol again" });
    const next = messageOf(await alice.waitForType("message", () => true, TIMEOUT));
    assert.equal(next["body"], "carol again", "the first line alice gets after the block is carol's");

    assert.deepEqual(await history(alice, room, 10), ["carol first", "carol again"]);
    assert.deepEqual(await history(carol, room, 10), ["carol first", "bob says", "/me waves", "carol again"], "the log keeps them");
    await bob.ok({ type: "room.send", room, body: "bob once more" });
    await bob.ok({ type: "room.send", room, body: "and again" });
    await carol.waitForType("message", roomLine("and again"), TIMEOUT);
    // Her latest line is read past his two after it: a page of one still holds one.
    assert.deepEqual(await history(alice, room, 1), ["carol again"]);

    await alice.ok({ type: "contact.unblock", address: `native:${suite.nameOf(bob)}` });
    assert.deepEqual(await history(alice, room, 2), ["bob once more", "and again"], "shown again after the unblock");
  });

  it("hides the channel lines of an IRC user whose hostmask she blocked, in the room bridged to the channel", async function () {
    const alice = await suite.native("alice");
    const carol = await suite.native("carol");
    await alice.ok({ type: "room.join", room: "blkroom" });
    await carol.ok({ type: "room.join", room: "blkroom" });
    const eve = await suite.ircUser("eve");
    const carl = await suite.ircUser("carl");
    await eve.join(CHANNEL);
    await carl.join(CHANNEL);
    await alice.ok({ type: "contact.block", address: `irc://${NETWORK}/*!*${eve.nick}@*` });

    eve.privmsg(CHANNEL, "eve in the channel");
    eve.privmsg(CHANNEL, "\u0001ACTION lurks\u0001");
    carl.privmsg(CHANNEL, "carl in the channel");
    await carol.waitForType("message", roomLine("carl in the channel"), TIMEOUT);
    assert.deepEqual(carol.pending("message").map((frame) => [messageOf(frame)["from"], messageOf(frame)["body"]]), [
      [`irc://${NETWORK}/${eve.nick.toLowerCase()}`, "eve in the channel"],
      [`irc://${NETWORK}/${eve.nick.toLowerCase()}`, "lurks"],
    ], "carol gets eve's lines");
    const next = messageOf(await alice.waitForType("message", () => true, TIMEOUT));
    assert.equal(next["body"], "carl in the channel", "the first line alice gets is carl's");
    assert.ok(!(await history(alice, "blkroom", 20)).includes("eve in the channel"), "nor in her history");
  });
});
