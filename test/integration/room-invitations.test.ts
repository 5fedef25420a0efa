/**
 * Invitations into the gateway's rooms across networks, against a real Prosody and a real ngIRCd started by the test:
 * a native `room.invite` reaches an XMPP user as a XEP-0045 mediated invitation from the room's JID, and an IRC user
 * as an INVITE into the channel bridged to the room from the inviter's puppet; an XMPP occupant's invitation to the
 * room JID reaches a native user as a `room.invitation` push and another XMPP user forwarded from the room, whose
 * decline goes back to the inviter; non-members are refused, and so is the 31st invitation of an hour.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { NETWORK, useNetworks } from "../helpers/network-suite.js";
import type { NativeClient } from "../helpers/native-client.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

type Frame = Record<string, unknown>;

const MUC = "http://jabber.org/protocol/muc";
const MUC_USER = "http://jabber.org/protocol/muc#user";
const BRIDGED = "invbridge";

/** The <invite/> (or <decline/>) of a mediated invitation stanza, if it is one. */
function mucChild(stanza: Element, name: "invite" | "decline"): Element | undefined {
  return stanza.is("message") ? stanza.getChild("x", MUC_USER)?.getChild(name) : undefined;
}

describe("invitations into the gateway's rooms", function () {
  const suite = useNetworks({ ircYaml: ["channels:", `  - channel: "#${BRIDGED}"`, `    room: ${BRIDGED}`] });
  const domain = (): string => suite.prosody().componentDomain;
  let room = 0;

  /** A native user with a room of their own (a fresh name per test). */
  async function nativeWithRoom(prefix: string): Promise<{ client: NativeClient; name: string; room: string }> {
    const client = await suite.native(prefix);
    const name = `inv${++room}${suite.nameOf(client).slice(-5)}`.toLowerCase();
    await client.ok({ type: "room.create", name });
    return { client, name: suite.nameOf(client), room: name };
  }

  async function joinAsOccupant(user: XmppTestClient, roomName: string, nick: string): Promise<void> {
    await user.send(xml("presence", { to: `#${roomName}@${domain()}/${nick}` }, xml("x", { xmlns: MUC })));
    await user.waitForPresence(`#${roomName}@${domain()}/${nick}`, (stanza) => stanza.attrs["type"] === undefined, 10_000);
  }

  function inviteStanza(roomName: string, to: string, reason: string): Element {
    return xml("message", { to: `#${roomName}@${domain()}` }, xml("x", { xmlns: MUC_USER }, xml("invite", { to }, xml("reason", {}, reason))));
  }

  it("invites an XMPP user from a native room with a mediated invitation from the room's JID, naming the inviter", async function () {
    this.timeout(30_000);
    const alice = await nativeWithRoom("alice");
    const juliet = await suite.xmppUser("juliet");
    await alice.client.ok({ type: "room.invite", room: alice.room, to: `xmpp:${juliet.bareJid}`, reason: "the release party" });
    const stanza = await juliet.waitFor((candidate) => mucChild(candidate, "invite") !== undefined, 10_000, "a mediated invitation");
    assert.equal(stanza.attrs["from"], `#${alice.room}@${domain()}`);
    const invite = mucChild(stanza, "invite");
    assert.equal(invite?.attrs["from"], `${alice.name.toLowerCase()}@${domain()}`);
    assert.equal(invite?.getChildText("reason"), "the release party");
    // A client that knows no MUC invitations still reads what it is.
    assert.match(stanza.getChildText("body") ?? "", new RegExp(`invites you to the room #${alice.room}@`));
  });

  it("takes an XMPP occupant's invitation of a native user as a room.invitation push", async function () {
    this.timeout(30_000);
    const alice = await nativeWithRoom("alice");
    const bob = await suite.native("bob");
    const romeo = await suite.xmppUser("romeo");
    await joinAsOccupant(romeo, alice.room, "romeo");
    await romeo.send(inviteStanza(alice.room, `${suite.nameOf(bob).toLowerCase()}@${domain()}`, "come in"));
    const push = await bob.waitForType("room.invitation", () => true, 10_000);
    assert.deepEqual({ room: push["room"], from: push["from"], reason: push["reason"] }, { room: `native:%23${alice.room}`, from: `xmpp:${romeo.bareJid}`, reason: "come in" });
  });

  it("forwards an XMPP occupant's invitation of another XMPP user from the room, and the decline back", async function () {
    this.timeout(30_000);
    const alice = await nativeWithRoom("alice");
    const romeo = await suite.xmppUser("romeo");
    const juliet = await suite.xmppUser("juliet");
    await joinAsOccupant(romeo, alice.room, "romeo");
    await romeo.send(inviteStanza(alice.room, juliet.bareJid, "balcony"));
    const stanza = await juliet.waitFor((candidate) => mucChild(candidate, "invite") !== undefined, 10_000, "a mediated invitation");
    assert.equal(stanza.attrs["from"], `#${alice.room}@${domain()}`);
    assert.equal(mucChild(stanza, "invite")?.attrs["from"], romeo.bareJid);
    assert.equal(mucChild(stanza, "invite")?.getChildText("reason"), "balcony");

    await juliet.send(xml("message", { to: `#${alice.room}@${domain()}` }, xml("x", { xmlns: MUC_USER }, xml("decline", { to: romeo.bareJid }, xml("reason", {}, "not tonight")))));
    const declined = await romeo.waitFor((candidate) => mucChild(candidate, "decline") !== undefined, 10_000, "a forwarded decline");
    assert.equal(declined.attrs["from"], `#${alice.room}@${domain()}`);
    assert.equal(mucChild(declined, "decline")?.attrs["from"], juliet.bareJid);
    assert.equal(mucChild(declined, "decline")?.getChildText("reason"), "not tonight");
  });

  it("tells a native inviter of an XMPP user's decline, once, and nobody of a decline of no invitation", async function () {
    this.timeout(30_000);
    const alice = await nativeWithRoom("alice");
    const juliet = await suite.xmppUser("juliet");
    const decline = (): Element => xml("message", { to: `#${alice.room}@${domain()}` }, xml("x", { xmlns: MUC_USER }, xml("decline", { to: `${alice.name.toLowerCase()}@${domain()}` }, xml("reason", {}, "busy"))));
    // The component reads a stream in order: a ping answered after a decline comes once the decline was taken.
    const read = async (): Promise<void> => void (await juliet.iq(xml("iq", { type: "get", to: domain(), id: juliet.id() }, xml("ping", { xmlns: "urn:xmpp:ping" }))));
    await juliet.send(decline()); // invited by nobody yet: dropped
    await read();
    await alice.client.ok({ type: "room.invite", room: alice.room, to: `xmpp:${juliet.bareJid}` });
    await juliet.waitFor((candidate) => mucChild(candidate, "invite") !== undefined, 10_000, "a mediated invitation");
    await juliet.send(decline());
    await juliet.send(decline()); // a second decline of the same invitation: dropped
    await read();
    const push = await alice.client.waitForType("room.invitation.declined", () => true, 10_000);
    assert.deepEqual({ room: push["room"], from: push["from"], reason: push["reason"] }, { room: `native:%23${alice.room}`, from: `xmpp:${juliet.bareJid}`, reason: "busy" });
    // Another invitation and its decline: told, and nothing else was.
    await alice.client.ok({ type: "room.invite", room: alice.room, to: `xmpp:${juliet.bareJid}` });
    await juliet.waitFor((candidate) => mucChild(candidate, "invite") !== undefined, 10_000, "the second invitation");
    await juliet.send(xml("message", { to: `#${alice.room}@${domain()}` }, xml("x", { xmlns: MUC_USER }, xml("decline", { to: `${alice.name.toLowerCase()}@${domain()}` }, xml("reason", {}, "still busy")))));
    await alice.client.waitForType("room.invitation.declined", (frame) => frame["reason"] === "still busy", 10_000);
    assert.deepEqual(alice.client.pending("room.invitation.declined"), []);
  });

  it("declines from a native session: an XMPP inviter gets the decline from the room, once; a native inviter a push", async function () {
    this.timeout(30_000);
    const alice = await nativeWithRoom("alice");
    const bob = await suite.native("bob");
    const romeo = await suite.xmppUser("romeo");
    await joinAsOccupant(romeo, alice.room, "romeo");
    const bobJid = `${suite.nameOf(bob).toLowerCase()}@${domain()}`;
    await romeo.send(inviteStanza(alice.room, bobJid, "come in"));
    const invitation = await bob.waitForType("room.invitation", () => true, 10_000);
    await bob.ok({ type: "room.decline", room: invitation["room"], inviter: invitation["from"], reason: "not now" });
    const declined = await romeo.waitFor((candidate) => mucChild(candidate, "decline") !== undefined, 10_000, "the decline");
    assert.equal(declined.attrs["from"], `#${alice.room}@${domain()}`);
    assert.equal(mucChild(declined, "decline")?.attrs["from"], bobJid);
    assert.equal(mucChild(declined, "decline")?.getChildText("reason"), "not now");
    const again = await bob.request({ type: "room.decline", room: invitation["room"], inviter: invitation["from"] });
    assert.equal(again["code"], "GW_ERR_NOT_FOUND", JSON.stringify(again));

    const never = await bob.request({ type: "room.decline", room: alice.room, inviter: `native:${alice.name}` });
    assert.equal(never["code"], "GW_ERR_NOT_FOUND", "alice invited bob to nothing: " + JSON.stringify(never));
    await alice.client.ok({ type: "room.invite", room: alice.room, to: `native:${suite.nameOf(bob)}` });
    await bob.waitForType("room.invitation", (frame) => frame["from"] === `native:${alice.name}`, 10_000);
    await bob.ok({ type: "room.decline", room: alice.room, inviter: `native:${alice.name}` });
    const push = await alice.client.waitForType("room.invitation.declined", () => true, 10_000);
    assert.deepEqual({ room: push["room"], from: push["from"], reason: push["reason"] }, { room: `native:%23${alice.room}`, from: `native:${suite.nameOf(bob)}`, reason: undefined });
  });

  it("answers an IRC invitation once the server took it, and with the server's refusal when it did not", async function () {
    this.timeout(30_000);
    const alice = await suite.native("alice");
    await alice.ok({ type: "room.join", room: BRIDGED });
    const answer = await alice.request({ type: "room.invite", room: BRIDGED, to: `irc://${NETWORK}/nobodyhere${suite.nameOf(alice).slice(-4)}` }, 20_000);
    assert.equal(answer["code"], "GW_ERR_UNAVAILABLE", JSON.stringify(answer));
    assert.match(String(answer["message"]), /ERR_NOSUCHNICK/);
  });

  it("invites an IRC user into the channel bridged to the room, from the inviter's puppet", async function () {
    this.timeout(30_000);
    const alice = await suite.native("alice");
    await alice.ok({ type: "room.join", room: BRIDGED });
    const ira = await suite.ircUser("ira");
    await alice.ok({ type: "room.invite", room: BRIDGED, to: `irc://${NETWORK}/${ira.nick}`, reason: "we talk here" }, 20_000);
    const invite = await ira.waitFor((line) => line.command === "INVITE", 10_000, "an INVITE");
    assert.equal(invite.params[1], `#${BRIDGED}`);
    assert.equal(invite.params[0], ira.nick);
    assert.equal(invite.nick?.toLowerCase(), `${suite.nameOf(alice)}[sb]`.toLowerCase(), "from alice's puppet");
    const notice = await ira.waitFor((line) => line.command === "NOTICE" && line.nick === invite.nick, 10_000, "the reason");
    assert.equal(notice.params[1], "we talk here");
  });

  it("refuses to invite an IRC user into a room bridged to no channel of their network", async function () {
    this.timeout(30_000);
    const alice = await nativeWithRoom("alice");
    const answer = await alice.client.request({ type: "room.invite", room: alice.room, to: `irc://${NETWORK}/someone` });
    assert.equal(answer["code"], "GW_ERR_UNSUPPORTED", JSON.stringify(answer));
  });

  it("refuses invitations from someone not in the room, native or XMPP", async function () {
    this.timeout(30_000);
    const alice = await nativeWithRoom("alice");
    const carol = await suite.native("carol");
    const answer = await carol.request({ type: "room.invite", room: alice.room, to: `native:${suite.nameOf(alice.client)}` });
    assert.equal(answer["code"], "GW_ERR_NOT_MEMBER", JSON.stringify(answer));
    const missing = await alice.client.request({ type: "room.invite", room: "nosuchroomhere", to: "native:bob" });
    assert.equal(missing["code"], "GW_ERR_NOT_FOUND", JSON.stringify(missing));

    const mallory = await suite.xmppUser("mallory");
    const juliet = await suite.xmppUser("juliet");
    await mallory.send(inviteStanza(alice.room, juliet.bareJid, "spam"));
    const refusal = await mallory.waitFor((stanza) => stanza.is("message") && stanza.attrs["type"] === "error", 10_000, "the refusal");
    assert.ok(refusal.getChild("error")?.getChild("forbidden", "urn:ietf:params:xml:ns:xmpp-stanzas"), refusal.toString());
    assert.equal(juliet.transcript.filter((stanza) => mucChild(stanza, "invite") !== undefined).length, 0);
  });

  it("refuses the 31st invitation of an hour with GW_ERR_RATE_LIMITED", async function () {
    this.timeout(60_000);
    const alice = await nativeWithRoom("alice");
    const bob = await suite.native("bob");
    for (let i = 0; i < 30; i++) await alice.client.ok({ type: "room.invite", room: alice.room, to: `native:${suite.nameOf(bob)}` });
    const answer = await alice.client.request({ type: "room.invite", room: alice.room, to: `native:${suite.nameOf(bob)}` });
    assert.equal(answer["code"], "GW_ERR_RATE_LIMITED", JSON.stringify(answer));
    assert.equal((await bob.collect("room.invitation", 30, 10_000)).length, 30);
    assert.deepEqual(bob.pending("room.invitation"), []);
  });

  it("answers GW_ERR_UNAVAILABLE for a native user with no session, whom no invitation would reach", async function () {
    this.timeout(30_000);
    const alice = await nativeWithRoom("alice");
    const dave = await suite.native("dave");
    const daveName = suite.nameOf(dave);
    await dave.close();
    const answer: Frame = await alice.client.request({ type: "room.invite", room: alice.room, to: `native:${daveName}` });
    assert.equal(answer["code"], "GW_ERR_UNAVAILABLE", JSON.stringify(answer));
  });
});
