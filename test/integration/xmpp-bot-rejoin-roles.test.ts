/**
 * A bridge bot's MUC occupant who leaves and comes back within the bot's leave hold (docs/xmpp.md, the bots'
 * membership), against a real Prosody: the damper shows neither the leave nor the join, yet a moderator role the
 * MUC's owner gave her for her session is gone with it (XEP-0045 section 5.1), so the bridged room must stop
 * showing her as a moderator: a role change, not a leave and a join. The hold is long here (30 s), so that the
 * leave and the rejoin fall within it however slow the machine.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const MUC_NS = "http://jabber.org/protocol/muc";

describe("a bridge bot's MUC occupant's quick leave and rejoin with another role", function () {
  let prosody: ProsodyServer;
  let daemon: Daemon;
  let keeper: XmppTestClient;
  let mia: XmppTestClient;
  let nina: NativeClient;
  let muc: string;

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing Prosody on a fresh machine may take minutes
    prosody = await startProsody();
    muc = `lounge@${prosody.mucDomain}`;
    // The keeper opens the MUC before the bot joins it, so that the keeper owns it and may give roles.
    keeper = await XmppTestClient.newUser(prosody, uniqueUser("keeper"), PASSWORD);
    await keeper.send(xml("presence", { to: `${muc}/Keeper` }, xml("x", { xmlns: MUC_NS })));
    await keeper.waitForPresence(`${muc}/Keeper`);
    await prosody.register("bridgebot", PASSWORD);
    const bot = ["xmpp:", "  bots:", "    - account: bridge", `      jid: bridgebot@${prosody.domain}`, `      password: "${PASSWORD}"`, `      service: xmpp://127.0.0.1:${prosody.c2sPort}`];
    const rooms = ["      rooms:", `        - muc: ${muc}`, "          nick: switchboard", "          room: lounge", "      membership:", "        leave_hold_seconds: 30"];
    daemon = Daemon.create([...bot, ...rooms].join("\n"));
    await daemon.start();
    await daemon.waitForLog(/XMPP bot online/);
    await keeper.waitForPresence(`${muc}/switchboard`);
    nina = await NativeClient.session(daemon.url, uniqueUser("nina"), PASSWORD, { register: true });
    await nina.ok({ type: "room.join", room: "lounge" });
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-3000), prosody.log().slice(-3000));
  });

  after(async function () {
    await nina?.close();
    await mia?.stop();
    await keeper?.stop();
    await daemon?.dispose();
    await prosody?.dispose();
  });

  it("shows a session's moderator back as a member, as a role change and neither a leave nor a join", async function () {
    this.timeout(30_000);
    const address = `xmpp://bridge/${muc}%2FMia`;
    const miaEvent = (event: string, role?: string) => (frame: Frame) =>
      frame["event"] === event && (frame["member"] as Frame)["nick"] === "Mia" && (role === undefined || (frame["member"] as Frame)["role"] === role);
    mia = await XmppTestClient.newUser(prosody, uniqueUser("mia"), PASSWORD);
    const itemRole = (presence: Element): unknown => presence.getChild("x", `${MUC_NS}#user`)?.getChild("item")?.attrs["role"];
    // Her own presences are taken in order as they come, so that the one after her rejoin is not an older one.
    await mia.send(xml("presence", { to: `${muc}/Mia` }, xml("x", { xmlns: MUC_NS })));
    await mia.waitForPresence(`${muc}/Mia`);
    await nina.waitForType("room.member", miaEvent("joined", "member"), 10_000);
    // The keeper makes her a moderator for her session (a role, not an affiliation).
    await keeper.iq(xml("iq", { type: "set", to: muc }, xml("query", { xmlns: `${MUC_NS}#admin` }, xml("item", { nick: "Mia", role: "moderator" }))));
    await mia.waitForPresence(`${muc}/Mia`, (presence) => itemRole(presence) === "moderator");
    await nina.waitForType("room.member", miaEvent("role", "moderator"), 10_000);

    await mia.send(xml("presence", { to: `${muc}/Mia`, type: "unavailable" }));
    await mia.waitForPresence(`${muc}/Mia`, (presence) => presence.attrs["type"] === "unavailable");
    await mia.send(xml("presence", { to: `${muc}/Mia` }, xml("x", { xmlns: MUC_NS })));
    const back = await mia.waitForPresence(`${muc}/Mia`);
    assert.equal(itemRole(back), "participant", "the MUC took her session's role");
    const changed = await nina.waitForType("room.member", miaEvent("role", "member"), 10_000);
    assert.deepEqual([(changed["previous"] as Frame)["role"], changed["member"]], ["moderator", { address, nick: "Mia", role: "member" }]);
    const listed = (await nina.ok({ type: "room.members", room: "lounge" }))["bridged_people"] as Frame[];
    assert.equal(listed.find((person) => person["address"] === address)?.["role"], "member");

    // Her line comes after her rejoin: a leave or a join shown for it would be above it.
    await mia.sendMessage(muc, "back", "groupchat");
    await nina.waitForType("message", (frame) => (frame["message"] as Frame)["body"] === "back", 10_000);
    const shown = nina.transcript.filter((frame) => frame.type === "room.member" && (frame["member"] as Frame)["nick"] === "Mia");
    assert.deepEqual(shown.map((frame) => [frame["event"], (frame["member"] as Frame)["role"]]), [["joined", "member"], ["role", "moderator"], ["role", "member"]]);
  });
});
