/**
 * XEP-0444 reactions through a bridge bot's MUC, against a real Prosody whose MUCs give stanza-ids (mod_muc_mam): an
 * occupant's reaction, naming a line by the room's stanza-id, reaches the native room as a reaction to that line (an
 * occupant's or one the bot relayed); one naming a line nobody knows is left alone. A native member's reaction reaches
 * the MUC as the bot's action line of what it added (the bot cannot react in her name), and her removal as nothing.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { messageOf, useBotMuc } from "../helpers/bot-muc-suite.js";
import type { NativeClient } from "../helpers/native-client.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const REACTIONS = "urn:xmpp:reactions:0";

describe("reactions through a bridge bot's MUC", function () {
  const suite = useBotMuc();
  let juliet: XmppTestClient;
  let romeo: NativeClient;
  let romeoName: string;
  let muc: string;

  before(async function () {
    ({ romeo, romeoName, muc } = suite);
    juliet = await suite.occupant("juliet", "Juliet");
  });

  function julietReacts(roomId: string, reactions: readonly string[]): Promise<void> {
    return juliet.send(xml("message", { to: muc, type: "groupchat", id: juliet.id("x") }, xml("reactions", { xmlns: REACTIONS, id: roomId }, ...reactions.map((reaction) => xml("reaction", {}, reaction)))));
  }

  it("brings an occupant's reaction to a line the bot relayed to the native room, and leaves one to a line nobody knows alone", async function () {
    const sent = await romeo.ok({ type: "room.send", room: "lounge", body: "who is there?" });
    const relayed = await juliet.waitForMessage(`${muc}/switchboard`, (stanza) => stanza.getChildText("body") === `<${romeoName}> who is there?`);
    await julietReacts(suite.roomIdOf(relayed), ["👋"]);
    const reaction = messageOf(await romeo.waitForType("message", (frame) => messageOf(frame)["reacts_to"] !== undefined, 10_000));
    assert.deepEqual([reaction["reacts_to"], reaction["reactions"], reaction["sender_name"], reaction["body"]], [sent["message_id"], ["👋"], "Juliet", ""]);

    // One naming a line nobody knows is left alone: the next thing romeo gets is her next line.
    await julietReacts("not-a-known-id", ["👍"]);
    await juliet.send(xml("message", { to: muc, type: "groupchat", id: juliet.id("g") }, xml("body", {}, "hello?")));
    const next = messageOf(await romeo.waitForType("message", undefined, 10_000));
    assert.equal(next["body"], "hello?", JSON.stringify(next));
  });

  it("says a native member's reaction in the MUC as the bot's line of what it added, and her removal as nothing", async function () {
    await juliet.send(xml("message", { to: muc, type: "groupchat", id: juliet.id("g") }, xml("body", {}, "meet me at dawn")));
    const heard = messageOf(await romeo.waitForType("message", (frame) => messageOf(frame)["body"] === "meet me at dawn", 10_000));
    await romeo.ok({ type: "room.react", room: "lounge", message_id: String(heard["id"]), reactions: ["🌅"] });
    const line = await juliet.waitForMessage(`${muc}/switchboard`, (stanza) => String(stanza.getChildText("body")).includes("reacted"));
    assert.equal(line.getChildText("body"), `* ${romeoName} reacted 🌅 to Juliet: "meet me at dawn"`);
    assert.equal(line.getChild("reactions", REACTIONS), undefined, "the bot reacts in nobody's name");

    await romeo.ok({ type: "room.react", room: "lounge", message_id: String(heard["id"]), reactions: [] });
    await romeo.ok({ type: "room.send", room: "lounge", body: "see you" });
    const after = await juliet.waitForMessage(`${muc}/switchboard`, () => true);
    assert.equal(after.getChildText("body"), `<${romeoName}> see you`, "nothing was said of the removal");
  });
});
