/**
 * A bridge bot's MUC after the gateway restarted, against a real Prosody whose MUCs give stanza-ids (mod_muc_mam): the
 * rooms' ids of the lines carried before the restart are kept in the store (muc_line_ids), so a native retraction of a
 * line the bot relayed then names the room's stanza-id of it, an occupant's reply to such a line reaches the native
 * room as a reply, and a native reply to an occupant's line of then names it by the room's id and her nick.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { messageOf, useBotMuc, type Frame } from "../helpers/bot-muc-suite.js";
import type { NativeClient } from "../helpers/native-client.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const REPLY = "urn:xmpp:reply:0";
const RETRACT = "urn:xmpp:message-retract:1";

describe("a bridge bot's MUC lines from before a restart", function () {
  const suite = useBotMuc();
  let juliet: XmppTestClient;
  let romeo: NativeClient;
  let romeoName: string;
  let muc: string;
  /** Lines of before the restart: romeo's two (relayed by the bot) and juliet's one, by gateway id and room's id. */
  let asked: { gatewayId: string; roomId: string };
  let unsaid: { gatewayId: string; roomId: string };
  let julietsLine: { gatewayId: string; roomId: string };

  const roomIdOf = (stanza: Element): string => suite.roomIdOf(stanza);

  /** romeo says `body` in the native room: its gateway id, and the room's id of the bot's copy. */
  async function romeoSays(body: string): Promise<{ gatewayId: string; roomId: string }> {
    const sent = await romeo.ok({ type: "room.send", room: "lounge", body });
    const relayed = await juliet.waitForMessage(`${muc}/switchboard`, (stanza) => stanza.getChildText("body") === `<${romeoName}> ${body}`);
    return { gatewayId: String(sent["message_id"]), roomId: roomIdOf(relayed) };
  }

  before(async function () {
    ({ romeo, romeoName, muc } = suite);
    juliet = await suite.occupant("juliet", "Juliet");
    asked = await romeoSays("who is there?");
    unsaid = await romeoSays("wrong room, sorry");
    await juliet.send(xml("message", { to: muc, type: "groupchat", id: "j-dawn" }, xml("body", {}, "meet me at dawn")));
    const echo = await juliet.waitForMessage(`${muc}/Juliet`, (stanza) => stanza.getChildText("body") === "meet me at dawn");
    const heard = await romeo.waitForType("message", (frame) => messageOf(frame)["body"] === "meet me at dawn", 10_000);
    julietsLine = { gatewayId: String(messageOf(heard)["id"]), roomId: roomIdOf(echo) };

    await suite.restart();
    romeo = suite.romeo;
  });

  it("retracts the bot's copy of a native line relayed before the restart by the room's stanza-id of it", async function () {
    await romeo.ok({ type: "room.retract", room: "lounge", message_id: unsaid.gatewayId });
    const retraction = await juliet.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === `${muc}/switchboard` && stanza.getChild("retract", RETRACT) !== undefined, 10_000, "the bot's retraction");
    assert.equal(retraction.getChild("retract", RETRACT)?.attrs["id"], unsaid.roomId, retraction.toString());
  });

  it("brings an occupant's reply to a line the bot relayed before the restart to the native room as a reply to it", async function () {
    const quote = `> switchboard: <${romeoName}> who is there?\n`;
    const fallback = xml("fallback", { xmlns: "urn:xmpp:fallback:0", for: REPLY }, xml("body", { start: "0", end: String(Array.from(quote).length) }));
    await juliet.send(xml("message", { to: muc, type: "groupchat", id: "j-me" }, xml("body", {}, `${quote}only me`), xml("reply", { xmlns: REPLY, to: `${muc}/switchboard`, id: asked.roomId }), fallback));
    const reply = messageOf(await romeo.waitForType("message", (frame) => messageOf(frame)["body"] === "only me", 10_000));
    assert.equal((reply["reply_to"] as Frame | undefined)?.["id"], asked.gatewayId, JSON.stringify(reply));
  });

  it("names an occupant's line of before the restart by the room's stanza-id and her nick in a native member's reply", async function () {
    await romeo.ok({ type: "room.send", room: "lounge", body: "I will be there", reply_to: julietsLine.gatewayId });
    const relayed = await juliet.waitForMessage(`${muc}/switchboard`, (stanza) => String(stanza.getChildText("body")).endsWith(`<${romeoName}> I will be there`));
    assert.deepEqual(relayed.getChild("reply", REPLY)?.attrs, { xmlns: REPLY, to: `${muc}/Juliet`, id: julietsLine.roomId }, relayed.toString());
  });
});
