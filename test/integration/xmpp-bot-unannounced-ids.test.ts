/**
 * A bridge bot's MUC that announces neither XEP-0421 occupant ids nor XEP-0359 stanza ids (a real Prosody 0.12 with
 * `muc_occupant_id = false` and no mod_muc_mam), and so strips neither from what its occupants send: an
 * `<occupant-id/>` or `<stanza-id by="room"/>` on a line there is its sender's client's word, which the bot must not
 * take for the room's. Mallory writes alice's occupant id on her correction of alice's line (alice's own client wrote
 * that id on her line: any client may, and nothing there tells it from the room's), and the room's id of a line the
 * bot relayed on a line of her own.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { messageOf, useBotMuc, type Frame } from "../helpers/bot-muc-suite.js";

const CORRECT = "urn:xmpp:message-correct:0";
const OCCUPANT_ID = "urn:xmpp:occupant-id:0";
const REPLY = "urn:xmpp:reply:0";

describe("a bridge bot's MUC that announces neither occupant ids nor stanza ids", function () {
  const suite = useBotMuc({ mucArchive: false, mucOccupantIds: false });

  it("does not carry an occupant's correction of someone else's line as theirs when she writes their occupant id on it", async function () {
    const { romeo, muc } = suite;
    const alice = await suite.occupant("alice", "Alice");
    const mallory = await suite.occupant("mallory", "Mallory");
    await alice.send(xml("message", { to: muc, type: "groupchat", id: "a-line" }, xml("body", {}, "the meeting is at noon"), xml("occupant-id", { xmlns: OCCUPANT_ID, id: "alice-id" })));
    const echo = await alice.waitForMessage(`${muc}/Alice`, (stanza) => stanza.getChildText("body") === "the meeting is at noon");
    assert.equal(echo.getChild("occupant-id", OCCUPANT_ID)?.attrs["id"], "alice-id", `the MUC reflects a client's occupant id unchanged: ${echo.toString()}`);
    const said = messageOf(await romeo.waitForType("message", (frame) => messageOf(frame)["body"] === "the meeting is at noon", 10_000));

    await mallory.send(xml("message", { to: muc, type: "groupchat", id: "m-fake" }, xml("body", {}, "the meeting is cancelled"), xml("replace", { xmlns: CORRECT, id: "a-line" }), xml("occupant-id", { xmlns: OCCUPANT_ID, id: "alice-id" })));
    const heard = messageOf(await romeo.waitForType("message", (frame) => messageOf(frame)["body"] === "the meeting is cancelled", 10_000));
    assert.equal(heard["replaces"], undefined, `not a correction of alice's line: ${JSON.stringify(heard)}`);
    assert.notEqual(heard["from"], said["from"], "mallory's own line, from her own address");
  });

  it("does not take a stanza-id an occupant wrote on her line as the room's: a reply to the bot's line still answers that line", async function () {
    const { romeo, romeoName, muc } = suite;
    const bob = await suite.occupant("bob", "Bob");
    const mallory = await suite.occupant("mallory2", "Mallory2");
    const sent = await romeo.ok({ type: "room.send", room: "lounge", body: "who brings the cake?" });
    const relayed = await bob.waitForMessage(`${muc}/switchboard`, (stanza) => stanza.getChildText("body") === `<${romeoName}> who brings the cake?`);
    const relayedId = String(relayed.attrs["id"]);
    assert.equal(relayed.getChild("stanza-id", "urn:xmpp:sid:0"), undefined, `the MUC gives no stanza ids: ${relayed.toString()}`);

    // Mallory's line claims the room's id of the bot's line (the id every occupant saw on it).
    await mallory.send(xml("message", { to: muc, type: "groupchat", id: "m-claim" }, xml("body", {}, "I do not like cake"), xml("stanza-id", { xmlns: "urn:xmpp:sid:0", by: muc, id: relayedId })));
    const claimed = messageOf(await romeo.waitForType("message", (frame) => messageOf(frame)["body"] === "I do not like cake", 10_000));

    await bob.send(xml("message", { to: muc, type: "groupchat", id: "b-reply" }, xml("body", {}, "I do"), xml("reply", { xmlns: REPLY, to: `${muc}/switchboard`, id: relayedId })));
    const reply = messageOf(await romeo.waitForType("message", (frame) => messageOf(frame)["body"] === "I do", 10_000));
    assert.equal((reply["reply_to"] as Frame | undefined)?.["id"], sent["message_id"], `a reply to romeo's line, not to mallory's (${String(claimed["id"])}): ${JSON.stringify(reply)}`);
  });
});
