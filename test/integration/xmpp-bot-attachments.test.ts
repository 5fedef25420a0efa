/**
 * Pictures through a bridge bot, against a real Prosody: an occupant's picture in the bot's MUC (its URL as the body
 * plus a XEP-0066 element, or the element alone) reaches the native room with its attachment, and a native member's
 * attachments reach the MUC on the bot's line with their out-of-band elements, each URL the words lack in its body.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const OOB = "jabber:x:oob";

describe("attachments through a bridge bot's MUC", function () {
  let prosody: ProsodyServer;
  let daemon: Daemon;
  let kate: XmppTestClient;
  let muc: string;
  const botPassword = "bot secret 123";

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing Prosody on a fresh machine may take minutes
    prosody = await startProsody();
    await prosody.register("bridgebot", botPassword);
    const kateName = uniqueUser("kate");
    await prosody.register(kateName, PASSWORD);
    kate = await XmppTestClient.connect(prosody, kateName, PASSWORD);
    await kate.sendPresence();
    muc = `pics@${prosody.mucDomain}`;
    await kate.send(xml("presence", { to: `${muc}/Kate` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await kate.waitForPresence(`${muc}/Kate`);
    daemon = Daemon.create(
      ["xmpp:", "  bots:", "    - account: bridge", `      jid: bridgebot@${prosody.domain}`, "      password: ${BOT_PASSWORD}", `      service: xmpp://127.0.0.1:${prosody.c2sPort}`, "      rooms:", `        - muc: ${muc}`, "          nick: switchboard", "          room: pics"].join("\n"),
    );
    await daemon.start({ BOT_PASSWORD: botPassword });
    await daemon.waitForLog(/XMPP bot online/);
    await kate.waitForPresence(`${muc}/switchboard`);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-3000), prosody.log().slice(-3000));
  });

  after(async function () {
    await kate?.stop();
    await daemon?.dispose();
    await prosody?.dispose();
  });

  it("relays pictures both ways with their XEP-0066 out-of-band elements", async function () {
    const samName = uniqueUser("sam");
    const sam = await NativeClient.session(daemon.url, samName, PASSWORD, { register: true });
    await sam.ok({ type: "room.join", room: "pics" });
    const image = "https://upload.example.org/7c3a/sunset.jpg";
    await kate.send(xml("message", { to: muc, type: "groupchat", id: "pic-1" }, xml("body", {}, image), xml("x", { xmlns: OOB }, xml("url", {}, image))));
    const relayed = (await sam.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === image))["message"] as Record<string, unknown>;
    assert.deepEqual(relayed["attachments"], [{ url: image }]);
    const bare = "https://upload.example.org/7c3a/dawn.jpg";
    await kate.send(xml("message", { to: muc, type: "groupchat", id: "pic-2" }, xml("x", { xmlns: OOB }, xml("url", {}, bare))));
    const bodyless = (await sam.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === bare))["message"] as Record<string, unknown>;
    assert.deepEqual(bodyless["attachments"], [{ url: bare }]);

    const pdf = "https://files.example.org/plan.pdf";
    await sam.ok({ type: "room.send", room: "pics", body: "the plan", attachments: [{ url: pdf, description: "v2" }] });
    const line = await kate.waitForMessage(`${muc}/switchboard`, (message) => message.getChildText("body") === `<${samName}> the plan\n${pdf}`);
    assert.deepEqual([line.getChild("x", OOB)?.getChildText("url"), line.getChild("x", OOB)?.getChildText("desc")], [pdf, "v2"]);
    await sam.close();
  });
});
