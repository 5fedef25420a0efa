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
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const REPLY = "urn:xmpp:reply:0";
const FALLBACK = "urn:xmpp:fallback:0";
const MUC = "http://jabber.org/protocol/muc";

type Frame = Record<string, unknown>;
const messageOf = (frame: Frame): Frame => (frame["message"] as Frame | undefined) ?? {};

describe("replies through a bridge bot's MUC", function () {
  let prosody: ProsodyServer;
  let daemon: Daemon;
  let juliet: XmppTestClient;
  let romeo: NativeClient;
  let romeoName: string;
  let muc: string;
  const botPassword = "bot secret 123";

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing Prosody on a fresh machine may take minutes
    prosody = await startProsody({ mucArchive: true });
    muc = `lounge@${prosody.mucDomain}`;
    await prosody.register("bridgebot", botPassword);
    const julietName = uniqueUser("juliet");
    await prosody.register(julietName, PASSWORD);
    juliet = await XmppTestClient.connect(prosody, julietName, PASSWORD);
    await juliet.sendPresence();
    await juliet.send(xml("presence", { to: `${muc}/Juliet` }, xml("x", { xmlns: MUC })));
    await juliet.waitForPresence(`${muc}/Juliet`);
    daemon = Daemon.create(
      ["xmpp:", "  bots:", "    - account: bridge", `      jid: bridgebot@${prosody.domain}`, "      password: ${BOT_PASSWORD}", `      service: xmpp://127.0.0.1:${prosody.c2sPort}`, "      rooms:", `        - muc: ${muc}`, "          nick: switchboard", "          room: lounge"].join("\n"),
    );
    await daemon.start({ BOT_PASSWORD: botPassword });
    await daemon.waitForLog(/XMPP bot online/);
    romeoName = uniqueUser("romeo");
    romeo = await NativeClient.session(daemon.url, romeoName, PASSWORD, { register: true });
    await romeo.ok({ type: "room.join", room: "lounge" });
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-3000), prosody.log().slice(-3000));
  });

  after(async function () {
    await romeo?.close();
    await juliet?.stop();
    await daemon?.dispose();
    await prosody?.dispose();
  });

  const roomIdOf = (stanza: Element): string => {
    const id = stanza.getChildren("stanza-id", "urn:xmpp:sid:0").find((child) => child.attrs["by"] === muc)?.attrs["id"];
    assert.ok(typeof id === "string", `the MUC gave the line its id: ${stanza.toString()}`);
    return id;
  };

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
