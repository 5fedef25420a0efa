import assert from "node:assert/strict";
import type { Element } from "ltx";
import { GatewayError } from "../../../src/core/errors.js";
import { MucChanges } from "../../../src/adapters/xmpp/account-muc-changes.js";
import { xml } from "@xmpp/client";
import { affiliationRequest, kickRequest, mediatedInvitation, outcastsOf, mucRequestRefusal, nickChange, subjectChange } from "../../../src/adapters/xmpp/account-muc-requests.js";

const MUC = "lobby@conference.example.org";
const coded = (code: string) => (error: unknown): boolean => error instanceof GatewayError && error.code === code;

describe("the requests to a MUC of a linked account (account-muc-requests.ts)", () => {
  it("changes the nick by presence without the muc <x/>, which would be a join afresh", () => {
    const presence = nickChange(MUC, "Alicia");
    assert.equal(presence.attrs["to"], `${MUC}/Alicia`);
    assert.equal(presence.children.length, 0);
  });

  it("sets the subject with a groupchat holding a subject and no body, under its id", () => {
    const message = subjectChange(MUC, "s1", "");
    assert.deepEqual([message.attrs["type"], message.attrs["id"], message.getChildText("subject"), message.getChild("body")], ["groupchat", "s1", "", undefined]);
  });

  it("invites through the room and kicks by role none, each reason only when given", () => {
    const invite = mediatedInvitation(MUC, "romeo@example.org", "").getChild("x", "http://jabber.org/protocol/muc#user")?.getChild("invite");
    assert.deepEqual([invite?.attrs["to"], invite?.getChild("reason")], ["romeo@example.org", undefined]);
    const item = kickRequest(MUC, "Romeo", "enough").getChild("query", "http://jabber.org/protocol/muc#admin")?.getChild("item");
    assert.deepEqual([item?.attrs["nick"], item?.attrs["role"], item?.getChildText("reason")], ["Romeo", "none", "enough"]);
  });

  it("bans by affiliation outcast with the reason, lifts by affiliation none, and reads the ban list's JIDs", () => {
    const ban = affiliationRequest(MUC, "romeo@example.org", "outcast", "spam").getChild("query", "http://jabber.org/protocol/muc#admin")?.getChild("item");
    assert.deepEqual([ban?.attrs["affiliation"], ban?.attrs["jid"], ban?.getChildText("reason")], ["outcast", "romeo@example.org", "spam"]);
    assert.equal(affiliationRequest(MUC, "romeo@example.org", "none", "").getChild("query", "http://jabber.org/protocol/muc#admin")?.getChild("item")?.getChild("reason"), undefined);
    const items = [xml("item", { affiliation: "outcast", jid: "romeo@example.org" }, xml("reason", {}, "spam")), xml("item", { affiliation: "outcast" }), xml("item", { affiliation: "member", jid: "juliet@example.org" })];
    const answer = xml("iq", { type: "result" }, xml("query", { xmlns: "http://jabber.org/protocol/muc#admin" }, ...items));
    assert.deepEqual(outcastsOf(answer), [{ jid: "romeo@example.org", reason: "spam" }]);
    assert.deepEqual(outcastsOf(undefined), []);
  });

  it("reads the room's refusals as codes", () => {
    assert.deepEqual(
      ["forbidden", "not-allowed", "conflict", "not-acceptable", "item-not-found", "remote-server-timeout"].map((condition) => mucRequestRefusal(condition, MUC, "do it").code),
      ["GW_ERR_FORBIDDEN", "GW_ERR_FORBIDDEN", "GW_ERR_NICK_IN_USE", "GW_ERR_BAD_ADDRESS", "GW_ERR_NOT_FOUND", "GW_ERR_UNAVAILABLE"],
    );
  });
});

describe("MucChanges", () => {
  let written: Element[];
  let changes: MucChanges;

  beforeEach(() => {
    written = [];
    changes = new MucChanges(async (element) => void written.push(element));
  });

  it("answers a subject change when the room shows that subject, not another one", async () => {
    let done = false;
    const change = changes.setSubject(MUC, "s1", "new").then(() => (done = true));
    await Promise.resolve();
    changes.subjectShown(MUC, "old");
    await Promise.resolve();
    assert.equal(done, false);
    changes.subjectShown(MUC, "new");
    await change;
    assert.equal(written[0]?.getChildText("subject"), "new");
  });

  it("answers a subject change with the error under its id, and ignores errors under other ids", async () => {
    const change = changes.setSubject(MUC, "s1", "new");
    await Promise.resolve();
    assert.equal(changes.messageError(MUC, "line-7", "forbidden", undefined), false);
    assert.equal(changes.messageError(MUC, "s1", "forbidden", "You are not allowed to change the subject"), true);
    await assert.rejects(change, coded("GW_ERR_FORBIDDEN"));
  });

  it("answers a nick change on her new self-presence, or with the room's error presence", async () => {
    const first = changes.rename(MUC, "Alicia");
    await Promise.resolve();
    assert.equal(changes.renamed(MUC), true);
    await first;
    const second = changes.rename(MUC, "Juliet");
    await Promise.resolve();
    assert.equal(changes.presenceError(MUC, "conflict", undefined), true);
    await assert.rejects(second, coded("GW_ERR_NICK_IN_USE"));
    assert.equal(changes.presenceError(MUC, "conflict", undefined), false); // nothing waits now
  });

  it("fails what waits in a room she is out of, and nothing elsewhere", async () => {
    const here = changes.rename(MUC, "Alicia");
    const there = changes.rename("other@conference.example.org", "Alicia");
    await Promise.resolve();
    changes.fail(new GatewayError("GW_ERR_NOT_MEMBER", "out"), MUC);
    await assert.rejects(here, coded("GW_ERR_NOT_MEMBER"));
    assert.equal(changes.renamed("other@conference.example.org"), true);
    await there;
  });
});
