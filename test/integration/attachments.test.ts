/**
 * Attachments (links to files and images) across networks, against a real Prosody and a real ngIRCd: an XMPP client's
 * image upload (its URL as the body plus a XEP-0066 `jabber:x:oob` element) reaches a native user as the message's
 * attachments, kept in history (and one without a body as a message of attachments alone); a native user's attachments
 * reach an XMPP user as out-of-band elements, each URL her words lack added to the body; and in a gateway MUC bridged
 * to an IRC channel, an XMPP occupant's image reaches the channel as its URL and the other occupants with its
 * out-of-band element, in the room's archive too. The domain, its contacts and rooms say they carry out-of-band data
 * (disco#info).
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import type { IrcMessage } from "../helpers/irc-client.js";
import { useNetworks } from "../helpers/network-suite.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const OOB = "jabber:x:oob";
const IMAGE = "https://upload.example.org/8f2e/cat.jpg";

/**
 * A stanza as Conversations sends an image it uploaded (XEP-0363): the URL as the body and a XEP-0066 element; with
 * `bodyless`, as a client leaving the URL to the out-of-band element alone sends it (no body).
 */
function imageUpload(to: string, type: "chat" | "groupchat", url: string, description?: string, bodyless = false): Element {
  const oob = xml("x", { xmlns: OOB }, xml("url", {}, url), ...(description === undefined ? [] : [xml("desc", {}, description)]));
  return xml("message", { to, type, id: `img-${Date.now().toString(36)}` }, ...(bodyless ? [] : [xml("body", {}, url)]), oob);
}

describe("attachments across networks (native, XMPP, IRC)", function () {
  const suite = useNetworks({ ircYaml: ["channels:", '  - channel: "#pics"', "    room: pics"] });

  async function occupant(prefix: string, roomJid: string, nick: string): Promise<XmppTestClient> {
    const client = await suite.xmppUser(prefix);
    await client.send(xml("presence", { to: `${roomJid}/${nick}` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await client.waitForPresence(`${roomJid}/${nick}`, (stanza) => stanza.getChild("x", "http://jabber.org/protocol/muc#user") !== undefined && stanza.attrs["type"] === undefined);
    return client;
  }

  it("announces XEP-0066 out-of-band data in the disco#info of the gateway's domain, its native contacts and its rooms", async function () {
    const alice = await suite.native("oobcontact");
    const juliet = await suite.xmppUser("asker");
    const domain = suite.prosody().componentDomain;
    for (const jid of [domain, `${suite.nameOf(alice)}@${domain}`, `#pics@${domain}`]) {
      const info = await juliet.iq(xml("iq", { type: "get", to: jid }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" })));
      const features = (info.getChild("query")?.getChildren("feature") ?? []).map((feature) => String(feature.attrs["var"]));
      assert.ok(features.includes(OOB), `${jid}: ${features.join(", ")}`);
    }
  });

  it("gives a native user an XMPP user's image upload as the message's attachments, in history too", async function () {
    const alice = await suite.native("alice");
    const juliet = await suite.xmppUser("juliet");
    await juliet.send(imageUpload(`${suite.nameOf(alice)}@${suite.prosody().componentDomain}`, "chat", IMAGE, "the cat, asleep"));
    const frame = await alice.waitForType("message", (candidate) => (candidate["message"] as Record<string, unknown>)["body"] === IMAGE);
    const message = frame["message"] as Record<string, unknown>;
    assert.deepEqual(message["attachments"], [{ url: IMAGE, description: "the cat, asleep" }]);
    const history = (await alice.ok({ type: "history", with: `xmpp:${juliet.bareJid}` }))["messages"] as Record<string, unknown>[];
    assert.deepEqual(history.at(-1)?.["attachments"], [{ url: IMAGE, description: "the cat, asleep" }]);

    // Out-of-band data without a body is a message of attachments alone: the URL becomes its body.
    const other = "https://upload.example.org/9a0c/dog.jpg";
    await juliet.send(imageUpload(`${suite.nameOf(alice)}@${suite.prosody().componentDomain}`, "chat", other, undefined, true));
    const bodyless = await alice.waitForType("message", (candidate) => (candidate["message"] as Record<string, unknown>)["body"] === other);
    assert.deepEqual((bodyless["message"] as Record<string, unknown>)["attachments"], [{ url: other }]);
  });

  it("gives an XMPP user a native user's attachments as XEP-0066 elements, the body with each URL her words lack", async function () {
    const bob = await suite.native("bob");
    const romeo = await suite.xmppUser("romeo");
    const from = `${suite.nameOf(bob)}@${suite.prosody().componentDomain}`;
    await bob.ok({ type: "message.send", to: `xmpp:${romeo.bareJid}`, body: "", attachments: [{ url: IMAGE }] });
    const bare = await romeo.waitForMessage(from);
    assert.equal(bare.getChildText("body"), IMAGE);
    assert.deepEqual(bare.getChildren("x", OOB).map((x) => x.getChildText("url")), [IMAGE]);

    const pdf = "https://files.example.org/plan.pdf";
    await bob.ok({ type: "message.send", to: `xmpp:${romeo.bareJid}`, body: "the plan", attachments: [{ url: pdf, description: "plan, v2" }] });
    // The URL the words lack follows them in the body, for clients (and bridges) that read the body only.
    const worded = await romeo.waitForMessage(from, (candidate) => candidate.getChildText("body")?.startsWith("the plan") === true);
    assert.equal(worded.getChildText("body"), `the plan\n${pdf}`);
    const oob = worded.getChild("x", OOB);
    assert.equal(oob?.getChildText("url"), pdf);
    assert.equal(oob?.getChildText("desc"), "plan, v2");

    // Past the schema's pattern, refused by the gateway's own check (a URL without a host).
    for (const url of ["javascript:alert(1)", "https:///cat.jpg"]) {
      const refused = await bob.request({ type: "message.send", to: `xmpp:${romeo.bareJid}`, body: "x", attachments: [{ url }] });
      assert.equal(refused["code"], "GW_ERR_BAD_FRAME", url);
    }
  });

  it("says an XMPP occupant's image in the bridged IRC channel as its URL, and shows it to the other occupants and native members with its link", async function () {
    const carol = await suite.native("carol");
    await carol.ok({ type: "room.join", room: "pics" });
    const dave = await suite.ircUser("dave");
    await dave.join("#pics");
    const roomJid = `#pics@${suite.prosody().componentDomain}`;
    const kim = await occupant("kim", roomJid, "Kim");
    const lee = await occupant("lee", roomJid, "Lee");

    await kim.send(imageUpload(roomJid, "groupchat", IMAGE));
    const kimPuppet = `${kim.bareJid.split("@")[0] ?? ""}[sb]`;
    const fromKim = (line: IrcMessage): boolean => line.command === "PRIVMSG" && line.params[0] === "#pics" && line.nick?.toLowerCase() === kimPuppet.toLowerCase();
    assert.equal((await dave.waitFor(fromKim, 10_000)).params[1], IMAGE);
    const atLee = await lee.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === `${roomJid}/Kim` && stanza.getChildText("body") === IMAGE);
    assert.deepEqual(atLee.getChildren("x", OOB).map((x) => x.getChildText("url")), [IMAGE]);
    const atCarol = await carol.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === IMAGE);
    assert.deepEqual((atCarol["message"] as Record<string, unknown>)["attachments"], [{ url: IMAGE }]);

    // Out-of-band data without a body: the room takes it as a message of attachments alone, its URL the body.
    const other = "https://upload.example.org/9a0c/dog.jpg";
    await kim.send(imageUpload(roomJid, "groupchat", other, undefined, true));
    assert.equal((await dave.waitFor((line) => fromKim(line) && line.params[1] === other, 10_000)).params[1], other);
    const bodylessAtCarol = await carol.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === other);
    assert.deepEqual((bodylessAtCarol["message"] as Record<string, unknown>)["attachments"], [{ url: other }]);
    const bodylessAtLee = await lee.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === `${roomJid}/Kim` && stanza.getChildText("body") === other);
    assert.deepEqual(bodylessAtLee.getChildren("x", OOB).map((x) => x.getChildText("url")), [other]);

    // A native member's words with a link: IRC gets the words, then the URL on a line of its own.
    const pdf = "https://files.example.org/plan.pdf";
    await carol.ok({ type: "room.send", room: "pics", body: "the plan", attachments: [{ url: pdf }] });
    const carolPuppet = `${suite.nameOf(carol)}[sb]`;
    const fromCarol = (line: IrcMessage): boolean => line.command === "PRIVMSG" && line.params[0] === "#pics" && line.nick?.toLowerCase() === carolPuppet.toLowerCase();
    const lines = await dave.waitForCount(fromCarol, 2, 10_000);
    assert.deepEqual(lines.map((line) => line.params[1]), ["the plan", pdf]);
    const atKim = await kim.waitFor((stanza) => stanza.is("message") && stanza.getChildText("body")?.startsWith("the plan") === true);
    assert.equal(atKim.getChildText("body"), `the plan\n${pdf}`);
    assert.equal(atKim.getChild("x", OOB)?.getChildText("url"), pdf);

    // Words past max_lines_per_message (5) are cut, the URL line never: it takes the fifth line, the words four.
    const notes = ["n1", "n2", "n3", "n4", "n5", "n6"];
    await carol.ok({ type: "room.send", room: "pics", body: notes.join("\n"), attachments: [{ url: pdf }] });
    const cut = await dave.waitForCount(fromCarol, 5, 10_000);
    assert.deepEqual(cut.map((line) => line.params[1]), ["n1", "n2", "n3", "n4…", pdf]);

    // The room's archive (XEP-0313) keeps the links: Kim's picture comes back with its element.
    const before = lee.transcript.length;
    await lee.iq(xml("iq", { type: "set", to: roomJid }, xml("query", { xmlns: "urn:xmpp:mam:2", queryid: "pics-1" })));
    const archived = lee.transcript
      .slice(before)
      .map((stanza) => stanza.getChild("result", "urn:xmpp:mam:2")?.getChild("forwarded", "urn:xmpp:forward:0")?.getChild("message"))
      .find((message) => message?.getChildText("body") === IMAGE);
    assert.deepEqual(archived?.getChildren("x", OOB).map((x) => x.getChildText("url")), [IMAGE]);
  });
});
