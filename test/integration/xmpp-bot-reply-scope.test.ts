/**
 * Which lines an occupant of a bridge bot's MUC can answer (XEP-0461), against a real Prosody whose MUCs give
 * stanza-ids: only lines of that MUC. A native line said in the room before the bridge was made, named by its gateway
 * id (time-based, guessable), is no line of the MUC: the reply reaches the native room as a plain line, quoting
 * nothing of it. A line the bot relayed into the MUC is still answered by the bot's own id of it (its gateway id), as
 * by the room's stanza-id (xmpp-bot-replies.test.ts).
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { messageOf, type Frame } from "../helpers/bot-muc-suite.js";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const BOT_PASSWORD = "bot secret 123";
const REPLY = "urn:xmpp:reply:0";

describe("replies in a bridge bot's MUC to lines the MUC never saw", function () {
  let prosody: ProsodyServer;
  let daemon: Daemon;
  let romeo: NativeClient;
  let juliet: XmppTestClient;
  let muc: string;
  let secretId: string;

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing Prosody on a fresh machine may take minutes
    prosody = await startProsody({ mucArchive: true });
    muc = `lounge@${prosody.mucDomain}`;
    await prosody.register("bridgebot", BOT_PASSWORD);
    // First without the bridge: romeo says something in his room that no MUC hears.
    daemon = Daemon.create();
    await daemon.start({ BOT_PASSWORD });
    const romeoName = uniqueUser("romeo");
    const before = await NativeClient.session(daemon.url, romeoName, PASSWORD, { register: true });
    await before.ok({ type: "room.create", name: "lounge" });
    secretId = String((await before.ok({ type: "room.send", room: "lounge", body: "the key is under the mat" }))["message_id"]);
    await before.close();
    // Then the bridge to the MUC.
    daemon.writeConfig(
      ["xmpp:", "  bots:", "    - account: bridge", `      jid: bridgebot@${prosody.domain}`, "      password: ${BOT_PASSWORD}", `      service: xmpp://127.0.0.1:${prosody.c2sPort}`, "      rooms:", `        - muc: ${muc}`, "          nick: switchboard", "          room: lounge"].join("\n"),
    );
    await daemon.restart();
    await daemon.waitForLog(/XMPP bot online/);
    romeo = await NativeClient.session(daemon.url, romeoName, PASSWORD);
    await romeo.ok({ type: "room.join", room: "lounge" });
    const account = uniqueUser("juliet");
    await prosody.register(account, PASSWORD);
    juliet = await XmppTestClient.connect(prosody, account, PASSWORD);
    await juliet.sendPresence();
    await juliet.send(xml("presence", { to: `${muc}/Juliet` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await juliet.waitForPresence(`${muc}/Juliet`);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-3000));
  });

  after(async function () {
    await romeo?.close();
    await juliet?.stop();
    await daemon?.dispose();
    await prosody?.dispose();
  });

  /** juliet's line in the MUC answering `id`, as romeo gets it. */
  async function julietReplies(id: string, nick: string, answer: string): Promise<Frame> {
    await juliet.send(xml("message", { to: muc, type: "groupchat", id: juliet.id() }, xml("body", {}, answer), xml("reply", { xmlns: REPLY, to: `${muc}/${nick}`, id })));
    return messageOf(await romeo.waitForType("message", (frame) => messageOf(frame)["body"] === answer, 10_000));
  }

  it("brings a reply naming a native line from before the bridge as a plain line, and answers a line the bot relayed there by its own id", async function () {
    const plain = await julietReplies(secretId, "switchboard", "what key?");
    assert.equal(plain["reply_to"], undefined, JSON.stringify(plain));

    const sent = await romeo.ok({ type: "room.send", room: "lounge", body: "who is there?" });
    await juliet.waitForMessage(`${muc}/switchboard`, (stanza) => String(stanza.getChildText("body")).endsWith("who is there?"));
    const reply = await julietReplies(String(sent["message_id"]), "switchboard", "only me");
    assert.equal((reply["reply_to"] as Frame | undefined)?.["id"], sent["message_id"], JSON.stringify(reply));
  });
});
