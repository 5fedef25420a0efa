/**
 * XEP-0444 reactions through a linked XMPP account, against a real Prosody (mod_carbons, mod_muc_mam) and the real
 * daemon: alice links alicex@localhost and also uses it from her phone. Her native reactions go out from her account,
 * naming the line by the id juliet's client knows (juliet's by the id juliet gave it, hers by the id juliet got it
 * under; one her client gave a XEP-0359 origin-id by that), an empty set taking them away, and none is reported
 * failed; juliet's reactions reach alice's sessions (also when they name juliet's line by its origin-id), and so do
 * those alice makes on her phone (a sent carbon). In a MUC she joined through the account both ways name lines by the
 * room's stanza-id.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { ALICEX_PASSWORD, useLinkedAccount } from "../helpers/linked-account-suite.js";
import type { Frame, NativeClient } from "../helpers/native-client.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const JULIET_ADDRESS = "xmpp://u.alice/juliet@localhost";
const REACTIONS = "urn:xmpp:reactions:0";
const ACCOUNT = "alicex@localhost/switchboard";

function messageOf(frame: Frame): Record<string, unknown> {
  return frame["message"] as Record<string, unknown>;
}

function reactionsStanza(to: string, type: "chat" | "groupchat", id: string, reactedId: string, reactions: readonly string[]): Element {
  return xml("message", { to, type, id }, xml("reactions", { xmlns: REACTIONS, id: reactedId }, ...reactions.map((reaction) => xml("reaction", {}, reaction))), xml("store", { xmlns: "urn:xmpp:hints" }));
}

/** The reacted id and the set of a XEP-0444 stanza. */
function reactionsOf(stanza: Element): [unknown, string[]] {
  const element = stanza.getChild("reactions", REACTIONS);
  return [element?.attrs["id"], (element?.getChildren("reaction") ?? []).map((reaction) => reaction.getText())];
}

function reactionFrom(user: XmppTestClient, from: string): Promise<Element> {
  return user.waitFor((stanza) => stanza.is("message") && stanza.attrs["from"] === from && stanza.getChild("reactions", REACTIONS) !== undefined, 10_000, `reactions from ${from}`);
}

describe("reactions through a linked XMPP account against Prosody", function () {
  let juliet: XmppTestClient;
  let phone: XmppTestClient;
  let alice: NativeClient;
  let talk: string;

  const suite = useLinkedAccount({
    users: ["juliet"],
    mucArchive: true, // the MUC's stanza-ids, by which reactions name its lines
    async beforeDaemon() {
      juliet = await suite.xmpp("juliet");
      await juliet.sendPresence();
      talk = `react@${suite.prosody().mucDomain}`;
      await juliet.send(xml("presence", { to: `${talk}/Juliet` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
      await juliet.waitForPresence(`${talk}/Juliet`);
      phone = await suite.xmpp("alicex", ALICEX_PASSWORD, "phone");
      await phone.iq(xml("iq", { type: "set" }, xml("enable", { xmlns: "urn:xmpp:carbons:2" })));
      await phone.sendPresence();
    },
  });

  before(async function () {
    alice = suite.alice();
    await phone.waitForPresence(ACCOUNT, (stanza) => stanza.attrs["type"] === undefined);
    await suite.daemon().waitForLog(/message carbons enabled/);
  });

  const heard = async (match: (message: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> => messageOf(await alice.waitForType("message", (frame) => match(messageOf(frame)), 10_000));

  it("sends alice's reactions from her account under the id juliet's client knows, an empty set too, and reports none failed", async function () {
    const julietsId = await juliet.sendMessage("alicex@localhost", "the boat leaves at six");
    const shown = await heard((message) => message["body"] === "the boat leaves at six");
    const answer = await alice.ok({ type: "message.react", to: JULIET_ADDRESS, message_id: shown["id"] as string, reactions: ["👍", "⛵"] });
    assert.ok(typeof answer["message_id"] === "string");
    const toJuliets = await reactionFrom(juliet, ACCOUNT);
    assert.deepEqual(reactionsOf(toJuliets), [julietsId, ["👍", "⛵"]]);
    assert.equal(toJuliets.getChildText("body"), null);

    const sent = await alice.ok({ type: "message.send", to: JULIET_ADDRESS, body: "I will be there" });
    const got = await juliet.waitForMessage(ACCOUNT, (stanza) => stanza.getChildText("body") === "I will be there");
    await alice.ok({ type: "message.react", to: JULIET_ADDRESS, message_id: sent["message_id"] as string, reactions: ["🎉"] });
    assert.deepEqual(reactionsOf(await reactionFrom(juliet, ACCOUNT)), [got.attrs["id"], ["🎉"]]);

    await alice.ok({ type: "message.react", to: JULIET_ADDRESS, message_id: shown["id"] as string, reactions: [] });
    assert.deepEqual(reactionsOf(await reactionFrom(juliet, ACCOUNT)), [julietsId, []], "an empty set takes hers away");

    // Delivered in order: once a later line reached juliet, a failure of a reaction would have been reported.
    await alice.ok({ type: "message.send", to: JULIET_ADDRESS, body: "see you" });
    await juliet.waitForMessage(ACCOUNT, (stanza) => stanza.getChildText("body") === "see you");
    assert.deepEqual(alice.pending("message.failed"), []);
  });

  it("shows alice juliet's reactions to her lines and to juliet's own, named by id or origin-id", async function () {
    const sent = await alice.ok({ type: "message.send", to: JULIET_ADDRESS, body: "shall we take the bikes?" });
    const got = await juliet.waitForMessage(ACCOUNT, (stanza) => stanza.getChildText("body") === "shall we take the bikes?");
    await juliet.send(reactionsStanza("alicex@localhost", "chat", juliet.id("r"), String(got.attrs["id"]), ["🚲"]));
    const toHers = await heard((message) => message["reacts_to"] === sent["message_id"]);
    assert.deepEqual([toHers["reactions"], toHers["body"], toHers["from"]], [["🚲"], "", JULIET_ADDRESS]);

    // juliet's client gave its line an origin-id of its own, by which XEP-0444 has it named in a chat.
    const originId = juliet.id("origin");
    await juliet.send(xml("message", { to: "alicex@localhost", type: "chat", id: juliet.id("m") }, xml("body", {}, "and a picnic"), xml("origin-id", { xmlns: "urn:xmpp:sid:0", id: originId })));
    const own = await heard((message) => message["body"] === "and a picnic");
    await juliet.send(reactionsStanza("alicex@localhost", "chat", juliet.id("r"), originId, ["🧺"]));
    assert.deepEqual((await heard((message) => message["reacts_to"] === own["id"]))["reactions"], ["🧺"]);
    // And alice's reaction to that line names it by its origin-id, as XEP-0444 has chats' lines named.
    await alice.ok({ type: "message.react", to: JULIET_ADDRESS, message_id: own["id"] as string, reactions: ["😋"] });
    assert.deepEqual(reactionsOf(await reactionFrom(juliet, ACCOUNT)), [originId, ["😋"]]);

    // A line alice wrote on her phone reached juliet under the phone's id.
    const phoneId = phone.id("phone");
    await phone.send(xml("message", { to: "juliet@localhost", type: "chat", id: phoneId }, xml("body", {}, "from the train")));
    const fromPhone = await heard((message) => message["body"] === "from the train");
    await juliet.send(reactionsStanza("alicex@localhost", "chat", juliet.id("r"), phoneId, ["🚆"]));
    assert.deepEqual((await heard((message) => message["reacts_to"] === fromPhone["id"]))["reactions"], ["🚆"]);
  });

  it("shows alice the reactions she makes on her phone as her own", async function () {
    const julietsId = await juliet.sendMessage("alicex@localhost", "it is raining");
    const shown = await heard((message) => message["body"] === "it is raining");
    await phone.send(reactionsStanza("juliet@localhost", "chat", phone.id("r"), julietsId, ["☔"]));
    const mine = await heard((message) => message["reacts_to"] === shown["id"]);
    assert.deepEqual([mine["reactions"], mine["carbon"], mine["to"], mine["body"]], [["☔"], "sent", JULIET_ADDRESS, ""], JSON.stringify(mine));

    const sent = await alice.ok({ type: "message.send", to: JULIET_ADDRESS, body: "bring boots" });
    const got = await juliet.waitForMessage(ACCOUNT, (stanza) => stanza.getChildText("body") === "bring boots");
    // Words are no reaction: checked as a session's would be, and not shown.
    await phone.send(reactionsStanza("juliet@localhost", "chat", phone.id("r"), String(got.attrs["id"]), ["see you there"]));
    await phone.send(reactionsStanza("juliet@localhost", "chat", phone.id("r"), String(got.attrs["id"]), ["👢"]));
    assert.deepEqual((await heard((message) => message["reacts_to"] === sent["message_id"]))["reactions"], ["👢"]);
    assert.deepEqual(alice.pending("message").map((frame) => messageOf(frame)["reactions"]).filter((set) => set !== undefined), []);
  });

  it("carries reactions both ways in a MUC she joined through the account, naming lines by the room's stanza-id", async function () {
    const room = `xmpp://u.alice/${talk}`;
    await alice.ok({ type: "room.join", room }, 15_000);
    await juliet.waitForPresence(`${talk}/alice`, (presence) => presence.attrs["type"] === undefined);
    const roomIdOf = (stanza: Element): string => {
      const id = stanza.getChildren("stanza-id", "urn:xmpp:sid:0").find((child) => child.attrs["by"] === talk)?.attrs["id"];
      assert.ok(typeof id === "string", stanza.toString());
      return id;
    };

    await juliet.send(xml("message", { to: talk, type: "groupchat", id: juliet.id("muc") }, xml("body", {}, "who has the tent?")));
    const julietsLine = await juliet.waitForMessage(`${talk}/Juliet`, (stanza) => stanza.getChildText("body") === "who has the tent?");
    const shown = await heard((message) => message["body"] === "who has the tent?");
    await alice.ok({ type: "room.react", room, message_id: shown["id"] as string, reactions: ["⛺"] });
    const reaction = await reactionFrom(juliet, `${talk}/alice`);
    assert.equal(reaction.attrs["type"], "groupchat");
    assert.deepEqual(reactionsOf(reaction), [roomIdOf(julietsLine), ["⛺"]]);

    const sent = await alice.ok({ type: "room.send", room, body: "I have it" });
    const alicesLine = await juliet.waitForMessage(`${talk}/alice`, (stanza) => stanza.getChildText("body") === "I have it");
    await juliet.send(reactionsStanza(talk, "groupchat", juliet.id("muc"), roomIdOf(alicesLine), ["🙏"]));
    const theirs = await heard((message) => message["reacts_to"] === sent["message_id"]);
    assert.deepEqual([theirs["reactions"], theirs["to"], theirs["sender_name"]], [["🙏"], room, "Juliet"], JSON.stringify(theirs));
  });
});
