/**
 * XEP-0444 Message Reactions through the XMPP component against a real Prosody, with real @xmpp/client clients, and a
 * gateway room bridged to an ngIRCd channel: an XMPP user's reactions reach a native user as `reacts_to` and
 * `reactions` (one naming her own line by its XEP-0359 origin-id too), a native user's reach XMPP users under the id
 * their clients know the line by (their own id in a chat, the room's stanza-id in a MUC) and IRC as an action line of
 * what was added; a removal (an empty set) reaches native and XMPP users and says nothing on IRC; a reaction to a line
 * nobody knows, or that is no emoji, is refused.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import type { Frame } from "../helpers/native-client.js";
import { useNetworks } from "../helpers/network-suite.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const REACTIONS = "urn:xmpp:reactions:0";
const MUC = "http://jabber.org/protocol/muc";
const MUC_USER = "http://jabber.org/protocol/muc#user";

async function joinMuc(user: XmppTestClient, occupantJid: string): Promise<void> {
  await user.send(xml("presence", { to: occupantJid }, xml("x", { xmlns: MUC }, xml("history", { maxstanzas: "0" }))));
  await user.waitForPresence(occupantJid, (stanza) => stanza.attrs["type"] === undefined && (stanza.getChild("x", MUC_USER)?.getChildren("status") ?? []).some((status) => status.attrs["code"] === "110"), 10_000);
}

function reactionsStanza(to: string, type: "chat" | "groupchat", id: string, reactedId: string, reactions: readonly string[]): Element {
  return xml("message", { to, type, id }, xml("reactions", { xmlns: REACTIONS, id: reactedId }, ...reactions.map((reaction) => xml("reaction", {}, reaction))), xml("store", { xmlns: "urn:xmpp:hints" }));
}

function reactionFrom(user: XmppTestClient, from: string): Promise<Element> {
  return user.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === from && stanza.getChild("reactions", REACTIONS) !== undefined, 10_000, `reactions from ${from}`);
}

/** The reacted id and the set of a XEP-0444 stanza. */
const reactionsOf = (stanza: Element): [unknown, string[]] => {
  const element = stanza.getChild("reactions", REACTIONS);
  return [element?.attrs["id"], (element?.getChildren("reaction") ?? []).map((reaction) => reaction.getText())];
};
const roomStanzaId = (stanza: Element): string => String(stanza.getChild("stanza-id", "urn:xmpp:sid:0")?.attrs["id"]);
const nativeMessage = (frame: Frame): Record<string, unknown> => frame["message"] as Record<string, unknown>;

describe("message reactions (XEP-0444) through the XMPP component", function () {
  const suite = useNetworks({ ircYaml: ["channels:", '  - channel: "#react"', "    room: react"] });
  const gatewayJid = (name: string): string => `${name}@${suite.prosody().componentDomain}`;

  it("carries an XMPP user's reactions and their removal to the native user, and refuses one to a line nobody knows", async function () {
    const romeo = await suite.native("romeo");
    const juliet = await suite.xmppUser("juliet");
    const to = gatewayJid(suite.nameOf(romeo));
    const sent = (await romeo.ok({ type: "message.send", to: `xmpp:${juliet.bareJid}`, body: "balcony at nine?" }))["message_id"] as string;
    const got = await juliet.waitForMessage(to, (stanza) => stanza.getChildText("body") === "balcony at nine?");

    // She names romeo's line by the id her client got it with.
    await juliet.send(reactionsStanza(to, "chat", juliet.id("x"), String(got.attrs["id"]), ["👍", "❤️"]));
    const reaction = nativeMessage(await romeo.waitForType("message", (frame) => nativeMessage(frame)["reacts_to"] !== undefined, 10_000));
    assert.deepEqual([reaction["reacts_to"], reaction["reactions"], reaction["body"]], [sent, ["👍", "❤️"], ""]);

    // And her own line by the id her client gave it.
    const ownId = await juliet.sendMessage(to, "or ten");
    const own = nativeMessage(await romeo.waitForType("message", (frame) => nativeMessage(frame)["body"] === "or ten", 10_000));
    await juliet.send(reactionsStanza(to, "chat", juliet.id("x"), ownId, ["🤔"]));
    assert.equal(nativeMessage(await romeo.waitForType("message", (frame) => nativeMessage(frame)["reacts_to"] === own["id"], 10_000))["reactions"]?.toString(), "🤔");

    await juliet.send(reactionsStanza(to, "chat", juliet.id("x"), String(got.attrs["id"]), []));
    const removal = nativeMessage(await romeo.waitForType("message", (frame) => nativeMessage(frame)["reacts_to"] === sent, 10_000));
    assert.deepEqual(removal["reactions"], [], "an empty set takes hers away");

    const unknownId = juliet.id("x");
    await juliet.send(reactionsStanza(to, "chat", unknownId, "no-such-line", ["👍"]));
    const refused = await juliet.waitFor((stanza) => stanza.attrs["id"] === unknownId && stanza.attrs["type"] === "error", 10_000, "the refusal");
    assert.ok(refused.getChild("error")?.getChild("item-not-found"), refused.toString());

    const history = await romeo.ok({ type: "history", with: `xmpp:${juliet.bareJid}` });
    const reactions = (history["messages"] as Record<string, unknown>[]).filter((message) => message["reacts_to"] !== undefined).map((message) => message["reactions"]);
    assert.deepEqual(reactions, [["👍", "❤️"], ["🤔"], []], "the log keeps them, and nothing of the refused one");
  });

  it("takes an XMPP user's reaction naming her own line by the origin-id her client gave it (XEP-0444 in a chat)", async function () {
    const romeo = await suite.native("romeo");
    const juliet = await suite.xmppUser("juliet");
    const to = gatewayJid(suite.nameOf(romeo));
    const originId = juliet.id("origin");
    await juliet.send(xml("message", { to, type: "chat", id: juliet.id("m") }, xml("body", {}, "the lark"), xml("origin-id", { xmlns: "urn:xmpp:sid:0", id: originId })));
    const line = nativeMessage(await romeo.waitForType("message", (frame) => nativeMessage(frame)["body"] === "the lark", 10_000));
    await juliet.send(reactionsStanza(to, "chat", juliet.id("x"), originId, ["🐦"]));
    const reaction = nativeMessage(await romeo.waitForType("message", (frame) => nativeMessage(frame)["reacts_to"] !== undefined, 10_000));
    assert.deepEqual([reaction["reacts_to"], reaction["reactions"]], [line["id"], ["🐦"]]);
  });

  it("carries a native user's reaction to an XMPP user under the id her client gave her line, and refuses what is no emoji", async function () {
    const romeo = await suite.native("romeo");
    const juliet = await suite.xmppUser("juliet");
    const from = gatewayJid(suite.nameOf(romeo));
    const herId = await juliet.sendMessage(from, "good night");
    const line = nativeMessage(await romeo.waitForType("message", (frame) => nativeMessage(frame)["body"] === "good night", 10_000));
    await romeo.ok({ type: "message.react", to: `xmpp:${juliet.bareJid}`, message_id: line["id"] as string, reactions: ["🌙"] });
    const reaction = await reactionFrom(juliet, from);
    assert.deepEqual(reactionsOf(reaction), [herId, ["🌙"]]);
    assert.ok(reaction.getChild("store", "urn:xmpp:hints"), "a store hint");
    assert.equal(reaction.getChildText("body"), null);

    assert.equal((await romeo.request({ type: "message.react", to: `xmpp:${juliet.bareJid}`, message_id: line["id"] as string, reactions: ["lol"] }))["code"], "GW_ERR_BAD_FRAME");
    assert.equal((await romeo.request({ type: "message.react", to: `xmpp:${juliet.bareJid}`, message_id: "00zzzzzzzz00000", reactions: ["👍"] }))["code"], "GW_ERR_NOT_FOUND");
  });

  it("keeps a native user's reaction for her offline contact and gives it at his next login", async function () {
    const cat = await suite.native("cat");
    const dan = await suite.native("dan");
    const danName = suite.nameOf(dan);
    const said = (await dan.ok({ type: "message.send", to: `native:${suite.nameOf(cat)}`, body: "see you at eight" }))["message_id"] as string;
    await cat.waitForType("message", (frame) => nativeMessage(frame)["id"] === said, 10_000);
    await dan.close();
    await cat.ok({ type: "message.react", to: `native:${danName}`, message_id: said, reactions: ["👌"] });
    const again = await suite.nativeAs(danName);
    const reaction = nativeMessage(await again.waitForType("message", (frame) => nativeMessage(frame)["reacts_to"] !== undefined, 10_000));
    assert.deepEqual([reaction["reacts_to"], reaction["reactions"], reaction["from"]], [said, ["👌"], `native:${suite.nameOf(cat)}`]);
  });

  it("carries reactions in a gateway MUC bridged to IRC: by stanza-id to occupants, as an action line of what was added to IRC", async function () {
    this.timeout(60_000);
    const roomJid = `#react@${suite.prosody().componentDomain}`;
    const kim = await suite.xmppUser("kim");
    await joinMuc(kim, `${roomJid}/Kim`);
    const alice = await suite.native("alice");
    await alice.ok({ type: "room.join", room: "react" });
    const aliceName = suite.nameOf(alice);
    const bob = await suite.ircUser("bob");
    await bob.join("#react");

    const info = await kim.iq(xml("iq", { type: "get", to: roomJid }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" })));
    assert.ok(info.getChild("query")?.getChildren("feature").some((feature) => feature.attrs["var"] === REACTIONS), "the room announces XEP-0444");

    // Kim's line, which alice reacts to.
    await kim.send(xml("message", { to: roomJid, type: "groupchat", id: kim.id("g") }, xml("body", {}, "pizza tonight?")));
    const reflected = await kim.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === `${roomJid}/Kim` && stanza.getChildText("body") === "pizza tonight?", 10_000, "kim's line");
    const atAlice = nativeMessage(await alice.waitForType("message", (frame) => nativeMessage(frame)["body"] === "pizza tonight?", 10_000));
    await bob.waitFor((message) => message.command === "PRIVMSG" && message.params[1] === "pizza tonight?", 10_000, "kim's line on IRC");

    await alice.ok({ type: "room.react", room: "react", message_id: atAlice["id"] as string, reactions: ["🍕"] });
    assert.deepEqual(reactionsOf(await reactionFrom(kim, `${roomJid}/${aliceName}`)), [roomStanzaId(reflected), ["🍕"]]);
    const action = await bob.waitFor((message) => message.command === "PRIVMSG" && (message.params[1] ?? "").startsWith("\u0001ACTION reacted"), 10_000, "the action line");
    assert.equal(action.params[1], '\u0001ACTION reacted 🍕 to Kim: "pizza tonight?"\u0001');

    // Another one added: IRC is told only of it.
    await alice.ok({ type: "room.react", room: "react", message_id: atAlice["id"] as string, reactions: ["🍕", "👍"] });
    assert.deepEqual(reactionsOf(await reactionFrom(kim, `${roomJid}/${aliceName}`))[1], ["🍕", "👍"]);
    const second = await bob.waitFor((message) => message.command === "PRIVMSG" && (message.params[1] ?? "").startsWith("\u0001ACTION reacted"), 10_000, "the second action line");
    assert.equal(second.params[1], '\u0001ACTION reacted 👍 to Kim: "pizza tonight?"\u0001');

    // A removal reaches the occupants, and IRC hears nothing of it: the next thing there is alice's next line.
    await alice.ok({ type: "room.react", room: "react", message_id: atAlice["id"] as string, reactions: [] });
    assert.deepEqual(reactionsOf(await reactionFrom(kim, `${roomJid}/${aliceName}`)), [roomStanzaId(reflected), []]);
    await alice.ok({ type: "room.send", room: "react", body: "never mind" });
    const next = await bob.waitFor((message) => message.command === "PRIVMSG" && message.params[0] === "#react", 10_000, "alice's next line");
    assert.equal(next.params[1], "never mind", "nothing was said on IRC of the removal");

    // An occupant's reaction by the room's stanza-id reaches alice, naming the line by its gateway id.
    await kim.send(reactionsStanza(roomJid, "groupchat", kim.id("x"), roomStanzaId(reflected), ["😋"]));
    const fromKim = nativeMessage(await alice.waitForType("message", (frame) => nativeMessage(frame)["reacts_to"] !== undefined, 10_000));
    assert.deepEqual([fromKim["reacts_to"], fromKim["reactions"], fromKim["sender_name"]], [atAlice["id"], ["😋"], "Kim"]);

    assert.equal((await alice.request({ type: "room.react", room: "react", message_id: "00zzzzzzzz00000", reactions: ["👍"] }))["code"], "GW_ERR_NOT_FOUND");

    // The history a joining occupant gets carries the reactions as reactions, naming the line by its stanza-id.
    const lee = await suite.xmppUser("lee");
    const inHistory = lee.waitFor(
      (stanza) => stanza.is("message") && stanza.getChild("delay", "urn:xmpp:delay") !== undefined && reactionsOf(stanza)[1].includes("😋"),
      10_000,
      "kim's reaction in the history",
    );
    await lee.send(xml("presence", { to: `${roomJid}/Lee` }, xml("x", { xmlns: MUC }, xml("history", { maxstanzas: "20" }))));
    assert.equal(reactionsOf(await inHistory)[0], roomStanzaId(reflected));
  });
});
