/**
 * A gateway room's history at join (XEP-0045 7.2.15) and archive (XEP-0313) carry what the line carried live, against
 * a real Prosody with real @xmpp/client clients: a XEP-0461 reply names the answered line by the room's stanza-id
 * with its quote as the XEP-0428 fallback, and an attachment comes with its XEP-0066 element. The native `history`
 * frame gives the same replies and attachments.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { uniqueUser } from "../helpers/daemon.js";
import { useNetworks } from "../helpers/network-suite.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const REPLY = "urn:xmpp:reply:0";
const FALLBACK = "urn:xmpp:fallback:0";
const OOB = "jabber:x:oob";
const MAM = "urn:xmpp:mam:2";
const MUC = "http://jabber.org/protocol/muc";
const MUC_USER = "http://jabber.org/protocol/muc#user";
const MAP = "https://upload.example.org/map.png";

function selfPresence(stanza: Element): boolean {
  return stanza.attrs["type"] === undefined && (stanza.getChild("x", MUC_USER)?.getChildren("status") ?? []).some((status) => status.attrs["code"] === "110");
}

/** What a line answers, as a client reads it: the <reply/>'s id and to, the body, and the fallback's range. */
function replyOf(line: Element | undefined): { readonly id: unknown; readonly to: unknown; readonly body: string | null | undefined; readonly fallback: readonly unknown[] } {
  const reply = line?.getChild("reply", REPLY);
  const range = line?.getChild("fallback", FALLBACK)?.getChild("body");
  return { id: reply?.attrs["id"], to: reply?.attrs["to"], body: line?.getChildText("body"), fallback: [range?.attrs["start"], range?.attrs["end"]] };
}

const expectedReply = (id: string, to: string, quote: string, answer: string): ReturnType<typeof replyOf> => ({ id, to, body: `${quote}${answer}`, fallback: ["0", String(Array.from(quote).length)] });

/** Ends with `text` (the body after a reply's quote). */
const saying = (text: string) => (line: Element): boolean => line.getChildText("body")?.endsWith(text) === true;

describe("replies and attachments in a gateway room's history and archive", function () {
  const suite = useNetworks({ ircServer: "none" });

  it("gives a later joiner's history, its archive and the native history the replies and attachments as live", async function () {
    this.timeout(60_000);
    const host = await suite.native("histreply");
    const hostName = suite.nameOf(host);
    const roomName = uniqueUser("replies");
    await host.ok({ type: "room.create", name: roomName });
    const roomJid = `#${roomName}@${suite.prosody().componentDomain}`;
    const juliet = await suite.xmppUser("juliet");
    await juliet.send(xml("presence", { to: `${roomJid}/Juliet` }, xml("x", { xmlns: MUC }, xml("history", { maxstanzas: "0" }))));
    await juliet.waitForPresence(`${roomJid}/Juliet`, selfPresence, 10_000);

    // An XMPP occupant answers a native line by the room's stanza-id, then the native host answers hers.
    const asked = (await host.ok({ type: "room.send", room: roomName, body: "who brings the cake?" }))["message_id"] as string;
    await juliet.waitFor((stanza) => stanza.is("message") && stanza.getChildText("body") === "who brings the cake?", 10_000, "the host's line");
    const hostQuote = `> ${hostName}: who brings the cake?\n`;
    await juliet.send(
      xml(
        "message",
        { to: roomJid, type: "groupchat", id: juliet.id("g") },
        xml("body", {}, `${hostQuote}I do`),
        xml("reply", { xmlns: REPLY, to: `${roomJid}/${hostName}`, id: asked }),
        xml("fallback", { xmlns: FALLBACK, for: REPLY }, xml("body", { start: "0", end: String(Array.from(hostQuote).length) })),
      ),
    );
    const herLine = (await host.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "I do", 10_000))["message"] as Record<string, unknown>;
    const herId = herLine["id"] as string;
    await host.ok({ type: "room.send", room: roomName, body: "thanks!", reply_to: herId });
    await host.ok({ type: "room.send", room: roomName, body: "the way", attachments: [{ url: MAP, description: "the map" }] });
    await juliet.waitFor((stanza) => stanza.is("message") && stanza.getChildText("body")?.startsWith("the way") === true, 10_000, "the host's attachment");

    const julietsReply = expectedReply(asked, `${roomJid}/${hostName}`, hostQuote, "I do");
    const hostsReply = expectedReply(herId, `${roomJid}/Juliet`, "> Juliet: I do\n", "thanks!");
    const checkLines = (lines: readonly Element[], where: string): void => {
      assert.deepEqual(replyOf(lines.find(saying("I do"))), julietsReply, `juliet's reply in ${where}`);
      assert.deepEqual(replyOf(lines.find(saying("thanks!"))), hostsReply, `the host's reply in ${where}`);
      const oob = lines.find((line) => line.getChildText("body")?.startsWith("the way") === true)?.getChild("x", OOB);
      assert.deepEqual([oob?.getChildText("url"), oob?.getChildText("desc")], [MAP, "the map"], `the attachment in ${where}`);
    };

    // A later joiner's history (XEP-0045 7.2.15), up to the subject that ends it.
    const romeo = await suite.xmppUser("romeo");
    await romeo.send(xml("presence", { to: `${roomJid}/Romeo` }, xml("x", { xmlns: MUC })));
    await romeo.waitFor((stanza) => stanza.is("message") && stanza.getChild("subject") !== undefined, 10_000, "the subject after the history");
    const history = romeo.transcript.filter((stanza) => stanza.is("message") && stanza.getChild("delay", "urn:xmpp:delay") !== undefined);
    assert.deepEqual(history.map((line) => line.getChild("stanza-id", "urn:xmpp:sid:0")?.attrs["id"]).slice(0, 2), [asked, herId], "the answered lines' stanza-ids are the ids the replies name");
    checkLines(history, "the history");

    // The archive (XEP-0313) gives them the same.
    const archived = await archive(romeo, roomJid);
    checkLines(archived, "the archive");

    // The native history frame carries reply_to and attachments.
    const messages = (await host.ok({ type: "history", room: roomName }))["messages"] as Array<Record<string, unknown>>;
    assert.deepEqual(messages.find((message) => message["body"] === "I do")?.["reply_to"], { id: asked, to: `native:${hostName}` });
    assert.deepEqual(messages.find((message) => message["body"] === "thanks!")?.["reply_to"], { id: herId, to: `xmpp:${juliet.bareJid}` });
    assert.deepEqual(messages.find((message) => message["body"] === "the way")?.["attachments"], [{ url: MAP, description: "the map" }]);
  });
});

/** The messages of the room's whole archive, as forwarded in its results (XEP-0313 4.2). */
async function archive(user: XmppTestClient, roomJid: string): Promise<Element[]> {
  const queryId = user.id("q");
  const before = user.transcript.length;
  await user.iq(xml("iq", { type: "set", to: roomJid }, xml("query", { xmlns: MAM, queryid: queryId })), 10_000);
  return user.transcript.slice(before).flatMap((stanza) => {
    const result = stanza.is("message") ? stanza.getChild("result", MAM) : undefined;
    const message = result?.attrs["queryid"] === queryId ? result.getChild("forwarded", "urn:xmpp:forward:0")?.getChild("message") : undefined;
    return message === undefined ? [] : [message];
  });
}
