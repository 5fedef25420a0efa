/**
 * XEP-0461 replies through a bridge bot's MUC, against a real Prosody whose MUCs give stanza-ids (mod_muc_mam): an
 * occupant's reply, naming the answered line by the room's stanza-id, reaches the native room as a reply to that
 * line (an occupant's or one the bot relayed) without its fallback quote; one naming a line the bot does not know is a
 * plain line, its quote cut all the same. A native member's reply reaches the MUC naming the answered line by the
 * room's stanza-id and the nick that said it there, with the quote marked as its XEP-0428 fallback.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { messageOf, useBotMuc, type Frame } from "../helpers/bot-muc-suite.js";
import type { NativeClient } from "../helpers/native-client.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const REPLY = "urn:xmpp:reply:0";
const FALLBACK = "urn:xmpp:fallback:0";

describe("replies through a bridge bot's MUC", function () {
  const suite = useBotMuc();
  let juliet: XmppTestClient;
  let romeo: NativeClient;
  let romeoName: string;
  let muc: string;

  before(async function () {
    ({ romeo, romeoName, muc } = suite);
    juliet = await suite.occupant("juliet", "Juliet");
  });

  const roomIdOf = (stanza: Element): string => suite.roomIdOf(stanza);

  /** juliet says `body` in the MUC: the room's stanza-id of it, and its gateway id as romeo got it. */
  async function julietSays(body: string): Promise<{ roomId: string; gatewayId: string }> {
    await juliet.send(xml("message", { to: muc, type: "groupchat", id: `j-${body}` }, xml("body", {}, body)));
    const echo = await juliet.waitForMessage(`${muc}/Juliet`, (stanza) => stanza.getChildText("body") === body);
    const heard = await romeo.waitForType("message", (frame) => messageOf(frame)["body"] === body, 10_000);
    return { roomId: roomIdOf(echo), gatewayId: String(messageOf(heard)["id"]) };
  }

  /** juliet answers the line the room names `roomId`, said by `nick`, with a Conversations-style quote as its fallback. */
  async function julietReplies(roomId: string, nick: string, quoted: string, answer: string): Promise<Frame> {
    const quote = `> ${quoted}\n`;
    const fallback = xml("fallback", { xmlns: FALLBACK, for: REPLY }, xml("body", { start: "0", end: String(Array.from(quote).length) }));
    await juliet.send(xml("message", { to: muc, type: "groupchat", id: `j-${answer}` }, xml("body", {}, `${quote}${answer}`), xml("reply", { xmlns: REPLY, to: `${muc}/${nick}`, id: roomId }), fallback));
    return messageOf(await romeo.waitForType("message", (frame) => String(messageOf(frame)["body"]).endsWith(answer), 10_000));
  }

  it("brings an occupant's reply to an occupant's line to the native room as a reply to it, without the quote", async function () {
    const line = await julietSays("the balcony is open");
    const reply = await julietReplies(line.roomId, "Juliet", "Juliet: the balcony is open", "and the night is mild");
    assert.equal(reply["body"], "and the night is mild");
    assert.deepEqual((reply["reply_to"] as Frame | undefined)?.["id"], line.gatewayId, JSON.stringify(reply));

    // One naming a line the bot does not know (said before a restart) is a plain line, its quote cut all the same.
    const plain = await julietReplies("not-a-known-id", "Juliet", "Juliet: something long ago", "as I said then");
    assert.equal(plain["body"], "as I said then");
    assert.equal(plain["reply_to"], undefined, JSON.stringify(plain));
  });

  it("brings an occupant's reply to a line the bot relayed to the native room as a reply to the native line", async function () {
    const sent = await romeo.ok({ type: "room.send", room: "lounge", body: "who is there?" });
    const relayed = await juliet.waitForMessage(`${muc}/switchboard`, (stanza) => stanza.getChildText("body") === `<${romeoName}> who is there?`);
    const reply = await julietReplies(roomIdOf(relayed), "switchboard", `switchboard: <${romeoName}> who is there?`, "only me");
    assert.equal(reply["body"], "only me");
    assert.equal((reply["reply_to"] as Frame | undefined)?.["id"], sent["message_id"], JSON.stringify(reply));
  });

  it("names the answered line by the room's stanza-id and nick in a native member's reply, with the quote as its fallback", async function () {
    const line = await julietSays("meet me at dawn");
    await romeo.ok({ type: "room.send", room: "lounge", body: "I will be there", reply_to: line.gatewayId });
    const relayed = await juliet.waitForMessage(`${muc}/switchboard`, (stanza) => String(stanza.getChildText("body")).endsWith(`<${romeoName}> I will be there`));
    const quote = "> Juliet: meet me at dawn\n";
    assert.equal(relayed.getChildText("body"), `${quote}<${romeoName}> I will be there`);
    assert.deepEqual(relayed.getChild("reply", REPLY)?.attrs, { xmlns: REPLY, to: `${muc}/Juliet`, id: line.roomId });
    assert.deepEqual(relayed.getChild("fallback", FALLBACK)?.getChild("body")?.attrs, { start: "0", end: String(Array.from(quote).length) });

    // A reply to a line the bot relayed names the bot's copy, by the room's id of it and the bot's nick.
    const own = await romeo.ok({ type: "room.send", room: "lounge", body: "bring a lantern" });
    const copy = await juliet.waitForMessage(`${muc}/switchboard`, (stanza) => stanza.getChildText("body") === `<${romeoName}> bring a lantern`);
    await romeo.ok({ type: "room.send", room: "lounge", body: "a big one", reply_to: own["message_id"] as string });
    const second = await juliet.waitForMessage(`${muc}/switchboard`, (stanza) => String(stanza.getChildText("body")).endsWith(`<${romeoName}> a big one`));
    assert.deepEqual(second.getChild("reply", REPLY)?.attrs, { xmlns: REPLY, to: `${muc}/switchboard`, id: roomIdOf(copy) });
    assert.equal(second.getChildText("body"), `> ${romeoName}: bring a lantern\n<${romeoName}> a big one`);
  });
});
