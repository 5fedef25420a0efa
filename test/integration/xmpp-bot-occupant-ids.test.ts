/**
 * Who said a line in a bridge bot's MUC, across a gateway restart, against a real Prosody whose MUCs give stanza-ids
 * (mod_muc_mam) and XEP-0421 occupant ids (built into its MUC): the store keeps each line's nick and occupant id
 * (muc_line_ids), so an occupant's correction and retraction of her own line from before the restart reach the native
 * room as a correction and a retraction, while someone who took a departed occupant's nick can do neither to his; an
 * occupant who took another nick still corrects and retracts her own lines, told by her occupant id.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { messageOf, useBotMuc } from "../helpers/bot-muc-suite.js";
import type { NativeClient } from "../helpers/native-client.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const RETRACT = "urn:xmpp:message-retract:1";
const CORRECT = "urn:xmpp:message-correct:0";

describe("a bridge bot's MUC occupants told apart by occupant id across a restart", function () {
  const suite = useBotMuc();
  let juliet: XmppTestClient;
  let romeo: NativeClient;
  let muc: string;
  /** Lines of before the restart, by gateway id and room's id. */
  const lines: Record<string, { gatewayId: string; roomId: string }> = {};
  const occupant = (name: string, nick: string): Promise<XmppTestClient> => suite.occupant(name, nick);

  /** `client`, as `nick`, says `body` with stanza id `id`: the line as romeo got it and as the room names it. */
  async function says(client: XmppTestClient, nick: string, id: string, body: string): Promise<void> {
    await client.send(xml("message", { to: muc, type: "groupchat", id }, xml("body", {}, body)));
    const echo: Element = await client.waitForMessage(`${muc}/${nick}`, (stanza) => stanza.getChildText("body") === body);
    assert.ok(echo.getChild("occupant-id", "urn:xmpp:occupant-id:0") !== undefined, `the MUC gives occupant ids: ${echo.toString()}`);
    const roomId = suite.roomIdOf(echo);
    const heard = await romeo.waitForType("message", (frame) => messageOf(frame)["body"] === body, 10_000);
    lines[id] = { gatewayId: String(messageOf(heard)["id"]), roomId };
  }

  before(async function () {
    ({ romeo, muc } = suite);
    juliet = await occupant("juliet", "Juliet");
    const bob = await occupant("bob", "Bob");
    await says(juliet, "Juliet", "j-typo", "meet me at dwan");
    await says(juliet, "Juliet", "j-unsaid", "wrong room, sorry");
    await says(bob, "Bob", "bob-1", "bob's own words");
    await bob.stop();

    await suite.restart();
    romeo = suite.romeo;
  });

  it("carries an occupant's correction of her line from before the restart as a correction", async function () {
    await juliet.send(xml("message", { to: muc, type: "groupchat", id: "j-fixed" }, xml("body", {}, "meet me at dawn"), xml("replace", { xmlns: CORRECT, id: "j-typo" })));
    const corrected = messageOf(await romeo.waitForType("message", (frame) => messageOf(frame)["body"] === "meet me at dawn", 10_000));
    assert.equal(corrected["replaces"], lines["j-typo"]?.gatewayId, JSON.stringify(corrected));
  });

  it("carries an occupant's retraction of her line from before the restart, named by the room's stanza-id, as a retraction", async function () {
    await juliet.send(xml("message", { to: muc, type: "groupchat", id: "j-retract" }, xml("retract", { xmlns: RETRACT, id: lines["j-unsaid"]?.roomId }), xml("body", {}, "fallback")));
    const retraction = messageOf(await romeo.waitForType("message", (frame) => messageOf(frame)["retracts"] !== undefined, 10_000));
    assert.equal(retraction["retracts"], lines["j-unsaid"]?.gatewayId, JSON.stringify(retraction));
  });

  it("takes neither a retraction nor a correction of a departed occupant's line from whoever took his nick", async function () {
    const mallory = await occupant("mallory", "Bob");
    await mallory.send(xml("message", { to: muc, type: "groupchat", id: "not-yours" }, xml("retract", { xmlns: RETRACT, id: lines["bob-1"]?.roomId }), xml("body", {}, "fallback")));
    await mallory.send(xml("message", { to: muc, type: "groupchat", id: "not-yours-either" }, xml("body", {}, "bob says he was wrong"), xml("replace", { xmlns: CORRECT, id: "bob-1" })));
    const corrected = messageOf(await romeo.waitForType("message", (frame) => messageOf(frame)["body"] === "bob says he was wrong", 10_000));
    assert.equal(corrected["replaces"], undefined, JSON.stringify(corrected));
    // A line after both: had the retraction been carried, it would have reached romeo before it.
    await mallory.sendMessage(muc, "mallory's line", "groupchat");
    await romeo.waitForType("message", (frame) => messageOf(frame)["body"] === "mallory's line", 10_000);
    assert.deepEqual(romeo.received.filter((frame) => messageOf(frame)["retracts"] === lines["bob-1"]?.gatewayId), [], "no retraction of bob's line");
    await mallory.stop();
  });

  it("carries an occupant's correction and retraction of her own lines after she took another nick", async function () {
    const rosa = await occupant("rosa", "Rosa");
    await says(rosa, "Rosa", "r-typo", "the tarin leaves at six");
    await says(rosa, "Rosa", "r-unsaid", "wrong train, sorry");
    await rosa.send(xml("presence", { to: `${muc}/Rosaline` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await rosa.waitForPresence(`${muc}/Rosaline`);
    await rosa.send(xml("message", { to: muc, type: "groupchat", id: "r-fixed" }, xml("body", {}, "the train leaves at six"), xml("replace", { xmlns: CORRECT, id: "r-typo" })));
    const corrected = messageOf(await romeo.waitForType("message", (frame) => messageOf(frame)["body"] === "the train leaves at six", 10_000));
    assert.equal(corrected["replaces"], lines["r-typo"]?.gatewayId, JSON.stringify(corrected));
    await rosa.send(xml("message", { to: muc, type: "groupchat", id: "r-retract" }, xml("retract", { xmlns: RETRACT, id: lines["r-unsaid"]?.roomId }), xml("body", {}, "fallback")));
    const retraction = messageOf(await romeo.waitForType("message", (frame) => messageOf(frame)["retracts"] === lines["r-unsaid"]?.gatewayId, 10_000));
    assert.equal(retraction["retracts"], lines["r-unsaid"]?.gatewayId, JSON.stringify(retraction));
  });
});
