/**
 * rooms.max_members against a real Prosody and a real ngIRCd started by the test: a room of the gateway bridged to an
 * IRC channel takes two people who join through the gateway (XMPP occupants of its MUC, native members), whatever the
 * channel's own people; a third XMPP occupant gets XEP-0045 7.2.10's service-unavailable and a native join
 * GW_ERR_ROOM_FULL, while someone in already (another session, a rejoin, a nick change) and an admin get in; a member
 * who leaves frees a place.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { useNetworks } from "../helpers/network-suite.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const MUC = "http://jabber.org/protocol/muc";
const MUC_USER = "http://jabber.org/protocol/muc#user";
const STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";

const hasStatus = (stanza: Element, code: string): boolean => (stanza.getChild("x", MUC_USER)?.getChildren("status") ?? []).some((status) => status.attrs["code"] === code);

/** Sends a MUC join and resolves with the room's answer to it: the joiner's own presence (110) or an error. */
async function join(user: XmppTestClient, occupantJid: string): Promise<Element> {
  await user.send(xml("presence", { to: occupantJid }, xml("x", { xmlns: MUC }, xml("history", { maxstanzas: "0" }))));
  return user.waitForPresence(occupantJid, (stanza) => stanza.attrs["type"] === "error" || (stanza.attrs["type"] === undefined && hasStatus(stanza, "110")), 10_000);
}

async function joined(user: XmppTestClient, occupantJid: string): Promise<void> {
  const answer = await join(user, occupantJid);
  assert.equal(answer.attrs["type"], undefined, `${user.jid} should be in ${occupantJid}: ${answer.toString()}`);
}

async function leave(user: XmppTestClient, occupantJid: string): Promise<void> {
  await user.send(xml("presence", { to: occupantJid, type: "unavailable" }));
  await user.waitForPresence(occupantJid, (stanza) => stanza.attrs["type"] === "unavailable" && hasStatus(stanza, "110"), 10_000);
}

describe("rooms.max_members: a room full of people who joined through the gateway", function () {
  const adminName = uniqueUser("op");
  const suite = useNetworks({
    ircYaml: ["channels:", '  - channel: "#cap"', "    room: cap"],
    admins: [`xmpp:${adminName}@localhost`],
    yaml: ["rooms:", "  max_members: 2"],
  });

  it("refuses a third XMPP occupant (service-unavailable) and native member (GW_ERR_ROOM_FULL), not the IRC channel's people, and takes one after a leave", async function () {
    this.timeout(90_000);
    const roomJid = `#cap@${suite.prosody().componentDomain}`;
    // The channel's people are shown in the room and take no place: bob, and the channel itself as a member.
    const bob = await suite.ircUser("bob");
    await bob.join("#cap");
    const juliet = await suite.xmppUser("juliet");
    await joined(juliet, `${roomJid}/Juliet`);
    await juliet.waitForPresence(`${roomJid}/${bob.nick}`, (stanza) => stanza.attrs["type"] === undefined, 10_000);
    const alice = await suite.native("alice");
    await alice.ok({ type: "room.join", room: "cap" });

    // Two places taken: the third person is refused on either network.
    const kim = await suite.xmppUser("kim");
    const refused = await join(kim, `${roomJid}/Kim`);
    assert.equal(refused.attrs["type"], "error");
    const error = refused.getChild("error");
    assert.equal(error?.attrs["type"], "wait");
    assert.ok(error?.getChild("service-unavailable", STANZAS), refused.toString());
    assert.ok(refused.getChild("x", "http://jabber.org/protocol/muc"), "a refused join echoes its <x/>, as XEP-0045's join errors do");
    const carol = await suite.native("carol");
    const answer = await carol.request({ type: "room.join", room: "cap" });
    assert.deepEqual([answer["type"], answer["code"]], ["error", "GW_ERR_ROOM_FULL"]);
    await suite.daemon().waitForLog(/"room":"native:%23cap","member":"xmpp:kim[^"]*@localhost","members":2,"max":2,"refusedBefore":0,"msg":"room join refused: the room is full"/);

    // Someone in already is never refused: another session, a rejoin, a nick change; nor is an admin.
    const phone = await XmppTestClient.connect(suite.prosody(), juliet.bareJid.split("@")[0] ?? "", PASSWORD, "phone");
    try {
      await phone.sendPresence();
      await joined(phone, `${roomJid}/Juliet`);
      await alice.ok({ type: "room.join", room: "cap" });
      await juliet.send(xml("presence", { to: `${roomJid}/Jules` }));
      await juliet.waitForPresence(`${roomJid}/Juliet`, (stanza) => stanza.attrs["type"] === "unavailable" && hasStatus(stanza, "303"), 10_000);
      const op = await XmppTestClient.newUser(suite.prosody(), adminName, PASSWORD);
      try {
        await joined(op, `${roomJid}/Op`);
        await leave(op, `${roomJid}/Op`);
      } finally {
        await op.stop();
      }
      await leave(phone, `${roomJid}/Jules`);
    } finally {
      await phone.stop();
    }

    // Alice leaves: her place is kim's, and the room is full again.
    await alice.ok({ type: "room.leave", room: "cap" });
    await joined(kim, `${roomJid}/Kim`);
    const again = await carol.request({ type: "room.join", room: "cap" });
    assert.equal(again["code"], "GW_ERR_ROOM_FULL");
  });
});
