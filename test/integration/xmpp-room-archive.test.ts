/**
 * The gateway's rooms as message archives (XEP-0313, with XEP-0359 stanza ids), against a real Prosody and a real
 * ngIRCd started by the test: an XMPP occupant of a room bridged to an IRC channel pages through what native, IRC
 * and XMPP people said there, also what was said while it was away and across a restart of the daemon, and
 * nobody outside the room reads it. With the message log off, rooms have no archive and say so.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { componentYaml } from "../helpers/config-yaml.js";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";
import { useNetworks } from "../helpers/network-suite.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const MAM = "urn:xmpp:mam:2";
const RSM = "http://jabber.org/protocol/rsm";
const MUC = "http://jabber.org/protocol/muc";
const MUC_USER = "http://jabber.org/protocol/muc#user";

function selfPresence(stanza: Element): boolean {
  return stanza.attrs["type"] === undefined && (stanza.getChild("x", MUC_USER)?.getChildren("status") ?? []).some((status) => status.attrs["code"] === "110");
}

/** Joins asking for no history (as clients that use the archive do) and resolves once in. */
async function joinMuc(user: XmppTestClient, occupantJid: string): Promise<void> {
  await user.send(xml("presence", { to: occupantJid }, xml("x", { xmlns: MUC }, xml("history", { maxstanzas: "0" }))));
  await user.waitForPresence(occupantJid, selfPresence, 10_000);
}

async function leaveMuc(user: XmppTestClient, occupantJid: string): Promise<void> {
  await user.send(xml("presence", { to: occupantJid, type: "unavailable" }));
  await user.waitForPresence(occupantJid, (stanza) => stanza.attrs["type"] === "unavailable", 10_000);
}

interface Field {
  readonly name: string;
  readonly values: readonly string[];
}

interface ArchiveQuery {
  readonly fields?: readonly Field[];
  readonly max?: number;
  readonly after?: string;
  /** "" is the empty <before/>: the last page. */
  readonly before?: string;
  readonly flip?: boolean;
}

interface ArchivedLine {
  readonly id: string;
  /** The archived message's own id attribute. */
  readonly messageId: string;
  readonly from: string;
  readonly body: string;
  readonly stamp: string;
}

interface ArchiveAnswer {
  readonly lines: ArchivedLine[];
  readonly fin: Element;
}

function queryElement(roomJid: string, queryId: string, query: ArchiveQuery): Element {
  const form = xml(
    "x",
    { xmlns: "jabber:x:data", type: "submit" },
    xml("field", { var: "FORM_TYPE", type: "hidden" }, xml("value", {}, MAM)),
    ...(query.fields ?? []).map((field) => xml("field", { var: field.name }, ...field.values.map((value) => xml("value", {}, value)))),
  );
  const set = xml(
    "set",
    { xmlns: RSM },
    ...(query.max === undefined ? [] : [xml("max", {}, String(query.max))]),
    ...(query.after === undefined ? [] : [xml("after", {}, query.after)]),
    ...(query.before === undefined ? [] : [xml("before", {}, query.before)]),
  );
  return xml("iq", { type: "set", to: roomJid }, xml("query", { xmlns: MAM, queryid: queryId }, form, set, ...(query.flip === true ? [xml("flip-page")] : [])));
}

/** Queries a room's archive and collects the results that came (in order) before the iq result ending it. */
async function queryArchive(user: XmppTestClient, roomJid: string, query: ArchiveQuery = {}): Promise<ArchiveAnswer> {
  const queryId = user.id("q");
  const before = user.transcript.length;
  const fin = await user.iq(queryElement(roomJid, queryId, query), 10_000);
  const lines = user.transcript.slice(before).flatMap((stanza): ArchivedLine[] => {
    const result = stanza.is("message") ? stanza.getChild("result", MAM) : undefined;
    if (!result || result.attrs["queryid"] !== queryId) return [];
    assert.equal(stanza.attrs["from"], roomJid, "results come from the room queried");
    const forwarded = result.getChild("forwarded", "urn:xmpp:forward:0");
    const message = forwarded?.getChild("message");
    assert.equal(message?.attrs["to"], undefined, "an archived message has no to (XEP-0313 5.1.2)");
    assert.equal(message?.attrs["type"], "groupchat");
    return [{ id: String(result.attrs["id"]), messageId: String(message?.attrs["id"]), from: String(message?.attrs["from"]), body: message?.getChildText("body") ?? "", stamp: String(forwarded?.getChild("delay", "urn:xmpp:delay")?.attrs["stamp"]) }];
  });
  return { lines, fin: fin.getChild("fin", MAM) as Element };
}

const bodies = (answer: ArchiveAnswer): string[] => answer.lines.map((line) => line.body);
const complete = (answer: ArchiveAnswer): boolean => answer.fin.attrs["complete"] === "true";

/** The live groupchat message with this body the user got from the room, and its XEP-0359 stanza id. */
async function liveLine(user: XmppTestClient, roomJid: string, body: string): Promise<{ readonly from: string; readonly stanzaId: string }> {
  const stanza = await user.waitFor((message) => message.is("message") && String(message.attrs["from"]).startsWith(`${roomJid}/`) && message.getChildText("body") === body, 10_000, `"${body}" in ${roomJid}`);
  const stanzaId = stanza.getChild("stanza-id", "urn:xmpp:sid:0");
  assert.equal(stanzaId?.attrs["by"], roomJid, "the room stamps its id on each message it passes on");
  return { from: String(stanza.attrs["from"]), stanzaId: String(stanzaId?.attrs["id"]) };
}

describe("gateway rooms as message archives (XEP-0313)", function () {
  const suite = useNetworks({ ircYaml: ["channels:", '  - channel: "#archive"', "    room: archive", '  - channel: "#away"', "    room: away"] });
  const domain = (): string => suite.prosody().componentDomain;

  it("lets an occupant page through what every network said in the room, by id, time and sender, and nobody outside read it", async function () {
    this.timeout(60_000);
    const roomJid = `#archive@${domain()}`;
    const juliet = await suite.xmppUser("juliet");
    const info = await juliet.iq(xml("iq", { type: "get", to: roomJid }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" })));
    const features = (info.getChild("query")?.getChildren("feature") ?? []).map((feature) => String(feature.attrs["var"]));
    for (const feature of [MAM, "urn:xmpp:mam:2#extended", "urn:xmpp:sid:0"]) assert.ok(features.includes(feature), `${feature} in ${features.join(", ")}`);
    await joinMuc(juliet, `${roomJid}/Juliet`);
    const alice = await suite.native("alice");
    await alice.ok({ type: "room.join", room: "archive" });
    const bob = await suite.ircUser("bob");
    await bob.join("#archive");

    await alice.ok({ type: "room.send", room: "archive", body: "one, from native" });
    const one = await liveLine(juliet, roomJid, "one, from native");
    bob.privmsg("#archive", "two, from irc ✓");
    const two = await liveLine(juliet, roomJid, "two, from irc ✓");
    const julietsId = await juliet.sendMessage(roomJid, "three, from xmpp", "groupchat");
    const three = await liveLine(juliet, roomJid, "three, from xmpp");
    await alice.ok({ type: "room.send", room: "archive", body: "four, from native" });
    const four = await liveLine(juliet, roomJid, "four, from native");

    // Everything, oldest first, from each sender's occupant JID as it was shown live, under the ids seen live.
    const all = await queryArchive(juliet, roomJid);
    assert.deepEqual(bodies(all), ["one, from native", "two, from irc ✓", "three, from xmpp", "four, from native"]);
    assert.deepEqual(all.lines.map((line) => line.from), [one.from, two.from, three.from, four.from]);
    assert.deepEqual(all.lines.map((line) => line.id), [one.stanzaId, two.stanzaId, three.stanzaId, four.stanzaId]);
    assert.ok(all.lines.every((line) => !Number.isNaN(Date.parse(line.stamp))), "each is stamped with when it was said");
    assert.equal(all.lines[2]?.messageId, julietsId, "her own message under the id her client gave it, as reflected live");
    assert.ok(complete(all));
    assert.equal(all.fin.getChild("set", RSM)?.getChildText("first"), one.stanzaId);
    assert.equal(all.fin.getChild("set", RSM)?.getChildText("last"), four.stanzaId);

    // Pages of two forwards, then the last page backwards, flipped.
    const first = await queryArchive(juliet, roomJid, { max: 2 });
    assert.deepEqual(bodies(first), ["one, from native", "two, from irc ✓"]);
    assert.ok(!complete(first), "more to come");
    const next = await queryArchive(juliet, roomJid, { max: 2, after: first.fin.getChild("set", RSM)?.getChildText("last") ?? "" });
    assert.deepEqual(bodies(next), ["three, from xmpp", "four, from native"]);
    assert.ok(complete(next));
    const last = await queryArchive(juliet, roomJid, { max: 1, before: "" });
    assert.deepEqual(bodies(last), ["four, from native"]);
    const earlier = await queryArchive(juliet, roomJid, { max: 2, before: four.stanzaId, flip: true });
    assert.deepEqual(bodies(earlier), ["three, from xmpp", "two, from irc ✓"], "the two before four, newest first");
    assert.ok(!complete(earlier));

    // The form's filters: between two ids, one sender, some ids, a time after everything.
    const between = await queryArchive(juliet, roomJid, { fields: [{ name: "after-id", values: [one.stanzaId] }, { name: "before-id", values: [four.stanzaId] }] });
    assert.deepEqual(bodies(between), ["two, from irc ✓", "three, from xmpp"]);
    const fromBob = await queryArchive(juliet, roomJid, { fields: [{ name: "with", values: [two.from] }] });
    assert.deepEqual(bodies(fromBob), ["two, from irc ✓"]);
    const picked = await queryArchive(juliet, roomJid, { fields: [{ name: "ids", values: [four.stanzaId, one.stanzaId] }] });
    assert.deepEqual(bodies(picked), ["one, from native", "four, from native"]);
    const everyone = await queryArchive(juliet, roomJid, { fields: [{ name: "with", values: [roomJid] }] });
    assert.deepEqual(bodies(everyone), bodies(all), "the room's own JID is every sender");
    const window = await queryArchive(juliet, roomJid, { fields: [{ name: "start", values: [all.lines[1]?.stamp ?? ""] }, { name: "end", values: [all.lines[2]?.stamp ?? ""] }] });
    assert.deepEqual(bodies(window), ["two, from irc ✓", "three, from xmpp"], "from the stamp of two to that of three, both included");
    const later = await queryArchive(juliet, roomJid, { fields: [{ name: "start", values: [new Date(Date.now() + 60_000).toISOString()] }] });
    assert.deepEqual(bodies(later), []);
    assert.ok(complete(later));
    const counted = await queryArchive(juliet, roomJid, { max: 0 });
    assert.equal(counted.fin.getChild("set", RSM)?.getChildText("count"), "4");
    assert.ok(!complete(counted), "four to page through");
    const noneCounted = await queryArchive(juliet, roomJid, { max: 0, fields: [{ name: "with", values: [`${roomJid}/nobody`] }] });
    assert.equal(noneCounted.fin.getChild("set", RSM)?.getChildText("count"), "0");
    assert.ok(complete(noneCounted));
    const metadata = await juliet.iq(xml("iq", { type: "get", to: roomJid }, xml("metadata", { xmlns: MAM })));
    assert.equal(metadata.getChild("metadata", MAM)?.getChild("start")?.attrs["id"], one.stanzaId);
    assert.equal(metadata.getChild("metadata", MAM)?.getChild("end")?.attrs["id"], four.stanzaId);

    // Ids not of this room's archive, and fields it does not know, are refused as XEP-0313 says.
    await assert.rejects(queryArchive(juliet, roomJid, { after: "nosuchid" }), /item-not-found/);
    await assert.rejects(queryArchive(juliet, roomJid, { fields: [{ name: "{urn:example}full-text", values: ["three"] }] }), /feature-not-implemented/);
    await assert.rejects(queryArchive(juliet, roomJid, { fields: [{ name: "start", values: ["yesterday"] }] }), /bad-request/);

    // Someone not in the room reads nothing; once in, they read what was said before they came.
    const kim = await suite.xmppUser("kim");
    await assert.rejects(queryArchive(kim, roomJid), /forbidden/);
    await joinMuc(kim, `${roomJid}/Kim`);
    const atKim = await queryArchive(kim, roomJid, { max: 2, before: "" });
    assert.deepEqual(bodies(atKim), ["three, from xmpp", "four, from native"]);
    assert.equal(atKim.lines[0]?.messageId, three.stanzaId, "juliet's message under the gateway id for anyone else, as live");
    // A room's ids are not another's: a message of this room is unknown to the archive of another.
    await joinMuc(kim, `#away@${domain()}/Kim`);
    await assert.rejects(queryArchive(kim, `#away@${domain()}`, { after: one.stanzaId }), /item-not-found/);
  });

  it("gives a returning occupant what was said while it was away, also across a restart of the daemon", async function () {
    this.timeout(90_000);
    const roomJid = `#away@${domain()}`;
    const romeo = await suite.xmppUser("romeo");
    await joinMuc(romeo, `${roomJid}/Romeo`);
    const carl = await suite.ircUser("carl");
    await carl.join("#away");
    carl.privmsg("#away", "before the break");
    const seen = await liveLine(romeo, roomJid, "before the break");
    await leaveMuc(romeo, `${roomJid}/Romeo`);

    carl.privmsg("#away", "while romeo was away");
    // The line reached the room (a native member sees it) before the daemon goes down.
    const watcher = await suite.native("watcher");
    await watcher.ok({ type: "room.join", room: "away" });
    carl.privmsg("#away", "just before the restart");
    await watcher.waitFor((frame) => frame["type"] === "message" && JSON.stringify(frame).includes("just before the restart"), 10_000);
    await watcher.close();
    await suite.daemon().restart();
    await suite.daemon().waitForLog(/XMPP component online/);
    await suite.daemon().waitForLog(/IRC network online/);

    await joinMuc(romeo, `${roomJid}/Romeo`);
    const missed = await queryArchive(romeo, roomJid, { fields: [{ name: "after-id", values: [seen.stanzaId] }] });
    assert.deepEqual(bodies(missed), ["while romeo was away", "just before the restart"]);
    assert.ok(missed.lines.every((line) => line.from === `${roomJid}/${carl.nick}`));
  });
});

describe("the XMPP component with the message log off", function () {
  let prosody: ProsodyServer;
  let daemon: Daemon;
  const users: XmppTestClient[] = [];

  before(async function () {
    this.timeout(11 * 60 * 1000);
    prosody = await startProsody();
    daemon = Daemon.create(["xmpp:", ...componentYaml(prosody)].join("\n"), "  message_log: false");
    await daemon.start();
    await daemon.waitForLog(/XMPP component online/);
  });

  after(async function () {
    for (const user of users) await user.stop();
    await daemon?.dispose();
    await prosody?.dispose();
  });

  it("announces no archive and answers a query with feature-not-implemented", async function () {
    this.timeout(30_000);
    const owner = await NativeClient.session(daemon.url, uniqueUser("owner"), PASSWORD, { register: true });
    await owner.ok({ type: "room.create", name: "logless", subject: "" });
    await owner.close();
    const roomJid = `#logless@${prosody.componentDomain}`;
    const juliet = await XmppTestClient.newUser(prosody, uniqueUser("juliet"), PASSWORD);
    users.push(juliet);
    await joinMuc(juliet, `${roomJid}/Juliet`);
    const info = await juliet.iq(xml("iq", { type: "get", to: roomJid }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" })));
    const features = (info.getChild("query")?.getChildren("feature") ?? []).map((feature) => String(feature.attrs["var"]));
    assert.ok(features.includes(MUC) && !features.includes(MAM), features.join(", "));
    await assert.rejects(queryArchive(juliet, roomJid), /feature-not-implemented/);
  });

  it("still tells the native sender when the XMPP server bounces a message after its delivery", async function () {
    const romeo = await NativeClient.session(daemon.url, uniqueUser("bounced"), PASSWORD, { register: true });
    try {
      const ghost = `xmpp:nobody-${uniqueUser("ghost")}@${prosody.domain}`;
      const sent = await romeo.ok({ type: "message.send", to: ghost, body: "anyone there?" });
      const failed = await romeo.waitForType("message.failed", () => true, 10_000);
      assert.deepEqual([failed["message_id"], failed["to"], failed["code"]], [sent["message_id"], ghost, "GW_ERR_DELIVERY_FAILED"]);
    } finally {
      await romeo.close();
    }
  });
});
