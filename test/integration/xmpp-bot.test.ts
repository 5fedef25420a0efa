/**
 * XMPP client mode for operators: a bot account on a real Prosody joins a multi-user chat and bridges it to a
 * native room, attributing each relayed message to its sender; a password-protected MUC is joined with its
 * password, and a MUC listed with membership: false shows no occupants coming and going.
 */
import assert from "node:assert/strict";
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

describe("the XMPP bridge bot against Prosody", function () {
  let prosody: ProsodyServer;
  let daemon: Daemon;
  let keeper: XmppTestClient;
  const botPassword = "bot secret 123";
  const MUC_PASSWORD = "open sesame";

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing Prosody on a fresh machine may take minutes
    prosody = await startProsody();
    await prosody.register("bridgebot", botPassword);
    // The keeper opens kick@ before the bot joins, so that the keeper owns it and may kick the bot.
    await prosody.register("keeper", botPassword);
    keeper = await XmppTestClient.connect(prosody, "keeper", botPassword);
    await keeper.sendPresence();
    for (const name of ["kick", "banme"]) {
      await keeper.send(xml("presence", { to: `${name}@${prosody.mucDomain}/Keeper` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
      await keeper.waitForPresence(`${name}@${prosody.mucDomain}/Keeper`);
    }
    // locked@ and wrongpw@ are password-protected (XEP-0045 10.2, the owner's configuration form) before the bot
    // joins them; the bot is given the password of the first and a wrong one for the second.
    const field = (name: string, value: string): Element => xml("field", { var: name }, xml("value", {}, value));
    for (const name of ["locked", "wrongpw"]) {
      const muc = `${name}@${prosody.mucDomain}`;
      await keeper.send(xml("presence", { to: `${muc}/Keeper` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
      await keeper.waitForPresence(`${muc}/Keeper`);
      const form = xml(
        "x",
        { xmlns: "jabber:x:data", type: "submit" },
        field("FORM_TYPE", "http://jabber.org/protocol/muc#roomconfig"),
        field("muc#roomconfig_passwordprotectedroom", "1"),
        field("muc#roomconfig_roomsecret", MUC_PASSWORD),
      );
      await keeper.iq(xml("iq", { type: "set", to: muc }, xml("query", { xmlns: "http://jabber.org/protocol/muc#owner" }, form)));
    }
    daemon = Daemon.create(
      [
        "xmpp:",
        "  bots:",
        "    - account: bridge",
        `      jid: bridgebot@${prosody.domain}`,
        "      password: ${BOT_PASSWORD}",
        `      service: xmpp://127.0.0.1:${prosody.c2sPort}`,
        "      rooms:",
        `        - muc: dev@${prosody.mucDomain}`,
        "          nick: switchboard",
        "          room: dev",
        `        - muc: kick@${prosody.mucDomain}`,
        "          nick: switchboard",
        "          room: kickroom",
        `        - muc: banme@${prosody.mucDomain}`,
        "          nick: switchboard",
        "          room: banroom",
        `        - muc: quiet@${prosody.mucDomain}`,
        "          nick: switchboard",
        "          room: quiet",
        "          membership: false",
        `        - muc: locked@${prosody.mucDomain}`,
        "          nick: switchboard",
        "          room: locked",
        "          password: ${MUC_PASSWORD}",
        `        - muc: wrongpw@${prosody.mucDomain}`,
        "          nick: switchboard",
        "          room: wrongpw",
        '          password: "not it"',
        "      membership:",
        "        leave_hold_seconds: 1",
      ].join("\n"),
    );
    await daemon.start({ BOT_PASSWORD: botPassword, MUC_PASSWORD });
    await daemon.waitForLog(/XMPP bot online/);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-3000), prosody.log().slice(-3000));
  });

  after(async function () {
    await keeper?.stop();
    await daemon?.dispose();
    await prosody?.dispose();
  });

  it("bridges a Prosody MUC and a native room both ways, each message under its sender's name, without echoes", async function () {
    const julietName = uniqueUser("juliet");
    await prosody.register(julietName, PASSWORD);
    const juliet = await XmppTestClient.connect(prosody, julietName, PASSWORD);
    await juliet.sendPresence();
    const muc = `dev@${prosody.mucDomain}`;
    await juliet.send(xml("presence", { to: `${muc}/Juliet` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await juliet.waitForPresence(`${muc}/Juliet`);

    const romeoName = uniqueUser("romeo");
    const romeo = await NativeClient.session(daemon.url, romeoName, PASSWORD, { register: true });
    const joined = await romeo.ok({ type: "room.join", room: "dev" });
    assert.ok((joined["members"] as Record<string, unknown>[]).some((member) => member["address"] === `xmpp://bridge/${muc}`), "the MUC is a member of the native room");

    await juliet.sendMessage(muc, "hello from the MUC 👋", "groupchat");
    const relayed = (await romeo.waitForType("message"))["message"] as Record<string, unknown>;
    assert.deepEqual([relayed["sender_name"], relayed["body"], relayed["scope"]], ["Juliet", "hello from the MUC 👋", "room"]);

    await romeo.ok({ type: "room.send", room: "dev", body: "hello from native" });
    const line = await juliet.waitForMessage(`${muc}/switchboard`);
    assert.equal(line.getChildText("body"), `<${romeoName}> hello from native`);
    await romeo.ok({ type: "room.send", room: "dev", body: "waves", kind: "action" });
    assert.equal((await juliet.waitForMessage(`${muc}/switchboard`)).getChildText("body"), `* ${romeoName} waves`);
    // A character XML cannot carry is left out: written as is, it would end the bot's stream at every retry.
    await romeo.ok({ type: "room.send", room: "dev", body: "bell\u0007 rings" });
    assert.equal((await juliet.waitForMessage(`${muc}/switchboard`)).getChildText("body"), `<${romeoName}> bell rings`);

    // An occupant's correction (XEP-0308) is a correction in the native room, of the line it corrects.
    const typo = await juliet.sendMessage(muc, "teh plan", "groupchat");
    const typoLine = (await romeo.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "teh plan"))["message"] as Record<string, unknown>;
    await juliet.send(xml("message", { to: muc, type: "groupchat", id: "fix-1" }, xml("body", {}, "the plan"), xml("replace", { xmlns: "urn:xmpp:message-correct:0", id: typo })));
    const fixed = (await romeo.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "the plan"))["message"] as Record<string, unknown>;
    assert.equal(fixed["replaces"], typoLine["id"]);

    // An occupant's retraction (XEP-0424) of her line is a retraction in the native room (this MUC gives no stanza-ids:
    // named by her client's id); the MUC itself is sent nothing back.
    const unsaid = await juliet.sendMessage(muc, "wrong room, sorry", "groupchat");
    const unsaidLine = (await romeo.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "wrong room, sorry"))["message"] as Record<string, unknown>;
    await juliet.send(xml("message", { to: muc, type: "groupchat", id: "retract-1" }, xml("retract", { xmlns: "urn:xmpp:message-retract:1", id: unsaid }), xml("body", {}, "fallback")));
    const retraction = (await romeo.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["retracts"] !== undefined))["message"] as Record<string, unknown>;
    assert.deepEqual([retraction["retracts"], retraction["body"], retraction["sender_name"]], [unsaidLine["id"], "", "Juliet"]);

    // The MUC reflects the bot's lines back to it; none of them may come back to the native room.
    await juliet.sendMessage(muc, "last one", "groupchat");
    const last = (await romeo.waitForType("message"))["message"] as Record<string, unknown>;
    assert.equal(last["body"], "last one", "no echo of the bot's own lines arrived before it");
    await romeo.close();
    await juliet.stop();
  });

  it("joins the MUC again after being kicked, and goes on bridging", async function () {
    const muc = `kick@${prosody.mucDomain}`;
    await keeper.waitForPresence(`${muc}/switchboard`, (stanza) => stanza.attrs["type"] === undefined);
    const romeo = await NativeClient.session(daemon.url, uniqueUser("romeo"), PASSWORD, { register: true });
    await romeo.ok({ type: "room.join", room: "kickroom" });
    await keeper.iq(xml("iq", { type: "set", to: muc }, xml("query", { xmlns: "http://jabber.org/protocol/muc#admin" }, xml("item", { nick: "switchboard", role: "none" }, xml("reason", {}, "testing")))));
    const kicked = await keeper.waitForPresence(`${muc}/switchboard`, (stanza) => stanza.attrs["type"] === "unavailable");
    assert.ok(kicked.getChild("x", "http://jabber.org/protocol/muc#user")?.getChildren("status").some((status) => status.attrs["code"] === "307"), kicked.toString());
    await keeper.waitForPresence(`${muc}/switchboard`, (stanza) => stanza.attrs["type"] === undefined, 10_000);
    await daemon.waitForLog(/"reason":"testing"[^\n]*"msg":"XMPP bot kicked from the MUC; joining again"/);
    await keeper.sendMessage(muc, "still bridged?", "groupchat");
    const relayed = (await romeo.waitForType("message"))["message"] as Record<string, unknown>;
    assert.deepEqual([relayed["sender_name"], relayed["body"]], ["Keeper", "still bridged?"]);
    await romeo.close();
  });

  it("joins a password-protected MUC with its password and bridges it", async function () {
    this.timeout(30_000);
    const muc = `locked@${prosody.mucDomain}`;
    // Without the password Prosody refuses a join (not-authorized): the bot's occupant shows it got in.
    await keeper.waitForPresence(`${muc}/switchboard`, (stanza) => stanza.attrs["type"] === undefined, 15_000);
    const lena = await NativeClient.session(daemon.url, uniqueUser("lena"), PASSWORD, { register: true });
    try {
      await lena.ok({ type: "room.join", room: "locked" });
      await keeper.sendMessage(muc, "behind the password", "groupchat");
      const relayed = await lena.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "behind the password", 10_000);
      assert.equal((relayed["message"] as Record<string, unknown>)["sender_name"], "Keeper");
    } finally {
      await lena.close();
    }
  });

  it("logs a MUC's refusal of its join with the reason (a wrong password: not-authorized)", async function () {
    await daemon.waitForLog(/"from":"wrongpw@[^"]*\/switchboard".*not-authorized.*"the MUC refused the bot's join"/, 15_000);
  });

  it("reports a line the MUC refused (the bot is no occupant: its join was refused) to its sender as not delivered", async function () {
    await daemon.waitForLog(/"from":"wrongpw@[^"]*\/switchboard".*"the MUC refused the bot's join"/, 15_000);
    const olga = await NativeClient.session(daemon.url, uniqueUser("olga"), PASSWORD, { register: true });
    try {
      await olga.ok({ type: "room.join", room: "wrongpw" });
      const sent = await olga.ok({ type: "room.send", room: "wrongpw", body: "anyone?" });
      const failed = await olga.waitForType("message.failed", (frame) => frame["message_id"] === sent["message_id"], 10_000);
      assert.deepEqual([failed["to"], failed["code"]], [`xmpp://bridge/wrongpw@${prosody.mucDomain}`, "GW_ERR_DELIVERY_FAILED"]);
      assert.match(String(failed["reason"]), /wrongpw@/);
    } finally {
      await olga.close();
    }
  });

  it("shows no occupant joining a MUC listed with membership: false, and still relays what they say", async function () {
    this.timeout(30_000);
    const nina = await NativeClient.session(daemon.url, uniqueUser("nina"), PASSWORD, { register: true });
    await nina.ok({ type: "room.join", room: "quiet" });
    const yves = await XmppTestClient.newUser(prosody, uniqueUser("yves"), PASSWORD);
    const muc = `quiet@${prosody.mucDomain}`;
    try {
      await yves.send(xml("presence", { to: `${muc}/Yves` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
      await yves.waitForPresence(`${muc}/Yves`, (stanza) => stanza.attrs["type"] === undefined);
      await yves.sendMessage(muc, "said quietly", "groupchat");
      // The bot reads the join and then the message from one stream: had the join been relayed, it would be here first.
      await nina.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "said quietly", 10_000);
      assert.deepEqual(nina.pending("room.member"), [], "the occupant's join was relayed");
    } finally {
      await yves.stop();
      await nina.close();
    }
  });

  it("shows occupants joining and leaving the MUC as room members, a quick leave and rejoin not at all", async function () {
    this.timeout(30_000);
    const nora = await NativeClient.session(daemon.url, uniqueUser("nora"), PASSWORD, { register: true });
    await nora.ok({ type: "room.join", room: "dev" });
    const zoe = await XmppTestClient.newUser(prosody, uniqueUser("zoe"), PASSWORD);
    const muc = `dev@${prosody.mucDomain}`;
    const enter = async (): Promise<void> => {
      await zoe.send(xml("presence", { to: `${muc}/Zoe` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
      await zoe.waitForPresence(`${muc}/Zoe`, (stanza) => stanza.attrs["type"] === undefined);
    };
    const leave = async (): Promise<void> => {
      await zoe.send(xml("presence", { to: `${muc}/Zoe`, type: "unavailable" }));
      await zoe.waitForPresence(`${muc}/Zoe`, (stanza) => stanza.attrs["type"] === "unavailable");
    };
    const memberEvent = (frame: Record<string, unknown>): string => `${String(frame["event"])} ${String((frame["member"] as Record<string, unknown>)["nick"])}`;
    try {
      await enter();
      const joined = await nora.waitForType("room.member", (frame) => (frame["member"] as Record<string, unknown>)["nick"] === "Zoe", 10_000);
      assert.equal(memberEvent(joined), "joined Zoe");
      assert.equal((joined["member"] as Record<string, unknown>)["address"], `xmpp://bridge/${muc}%2FZoe`);
      // Out and back within the hold (1 s here): nothing to show.
      await leave();
      await enter();
      await leave();
      const left = await nora.waitForType("room.member", (frame) => (frame["member"] as Record<string, unknown>)["nick"] === "Zoe", 10_000);
      assert.equal(memberEvent(left), "left Zoe", "the quick leave and rejoin showed nothing; the last leave shows once held");
      assert.deepEqual(nora.pending("room.member").map(memberEvent), []);
    } finally {
      await zoe.stop();
      await nora.close();
    }
  });

  it("shows an occupant's nick change in the MUC (status 303) as one rename of the room member", async function () {
    this.timeout(30_000);
    const nora = await NativeClient.session(daemon.url, uniqueUser("nora"), PASSWORD, { register: true });
    await nora.ok({ type: "room.join", room: "dev" });
    const yann = await XmppTestClient.newUser(prosody, uniqueUser("yann"), PASSWORD);
    const muc = `dev@${prosody.mucDomain}`;
    try {
      await yann.send(xml("presence", { to: `${muc}/Yann` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
      await nora.waitForType("room.member", (frame) => frame["event"] === "joined" && (frame["member"] as Record<string, unknown>)["nick"] === "Yann", 10_000);
      await yann.send(xml("presence", { to: `${muc}/Yannick` }));
      const change = await nora.waitForType("room.member", (frame) => frame["event"] !== "joined" || (frame["member"] as Record<string, unknown>)["nick"] === "Yannick", 10_000);
      assert.equal(change["event"], "renamed", JSON.stringify(change));
      assert.deepEqual([change["previous"], change["member"]], [
        { address: `xmpp://bridge/${muc}%2FYann`, nick: "Yann", role: "member" },
        { address: `xmpp://bridge/${muc}%2FYannick`, nick: "Yannick", role: "member" },
      ]);
      await yann.send(xml("message", { to: muc, type: "groupchat" }, xml("body", {}, "renamed and still here")));
      const said = (await nora.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "renamed and still here", 10_000))["message"] as Record<string, unknown>;
      assert.equal(said["sender_name"], "Yannick");
      assert.deepEqual(nora.pending("room.member").filter((frame) => String(JSON.stringify(frame)).includes("Yann")), [], "no leave or join besides");
    } finally {
      await yann.stop();
      await nora.close();
    }
  });

  it("shows an occupant made a moderator of the MUC (XEP-0045 9.6) as a role change of the room member", async function () {
    this.timeout(30_000);
    const nora = await NativeClient.session(daemon.url, uniqueUser("nora"), PASSWORD, { register: true });
    await nora.ok({ type: "room.join", room: "kickroom" });
    const vera = await XmppTestClient.newUser(prosody, uniqueUser("vera"), PASSWORD);
    const muc = `kick@${prosody.mucDomain}`;
    try {
      await vera.send(xml("presence", { to: `${muc}/Vera` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
      const joined = await nora.waitForType("room.member", (frame) => (frame["member"] as Record<string, unknown>)["nick"] === "Vera", 10_000);
      assert.deepEqual([joined["event"], (joined["member"] as Record<string, unknown>)["role"]], ["joined", "member"]);
      // The keeper owns kick@ and makes her a moderator.
      await keeper.iq(xml("iq", { type: "set", to: muc }, xml("query", { xmlns: "http://jabber.org/protocol/muc#admin" }, xml("item", { nick: "Vera", role: "moderator" }))));
      const promoted = await nora.waitForType("room.member", (frame) => frame["event"] === "role", 10_000);
      assert.deepEqual([(promoted["previous"] as Record<string, unknown>)["role"], promoted["member"]], ["member", { address: `xmpp://bridge/${muc}%2FVera`, nick: "Vera", role: "moderator" }]);
    } finally {
      await vera.stop();
      await nora.close();
    }
  });
  it("shows the occupants who came and left while it was kicked out of the MUC once it is back in", async function () {
    this.timeout(30_000);
    const muc = `kick@${prosody.mucDomain}`;
    const nora = await NativeClient.session(daemon.url, uniqueUser("nora"), PASSWORD, { register: true });
    await nora.ok({ type: "room.join", room: "kickroom" });
    const quill = await XmppTestClient.newUser(prosody, uniqueUser("quill"), PASSWORD);
    const wren = await XmppTestClient.newUser(prosody, uniqueUser("wren"), PASSWORD);
    const memberIs = (nick: string, event: string) => (frame: Record<string, unknown>) => frame["event"] === event && (frame["member"] as Record<string, unknown>)["nick"] === nick;
    try {
      await quill.send(xml("presence", { to: `${muc}/Quill` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
      await nora.waitForType("room.member", memberIs("Quill", "joined"), 10_000);
      await keeper.iq(xml("iq", { type: "set", to: muc }, xml("query", { xmlns: "http://jabber.org/protocol/muc#admin" }, xml("item", { nick: "switchboard", role: "none" }))));
      await keeper.waitForPresence(`${muc}/switchboard`, (stanza) => stanza.attrs["type"] === "unavailable");
      // The bot joins again 2 s after a kick: meanwhile Quill leaves and Wren comes, unseen by it.
      await quill.send(xml("presence", { to: `${muc}/Quill`, type: "unavailable" }));
      await quill.waitForPresence(`${muc}/Quill`, (stanza) => stanza.attrs["type"] === "unavailable");
      await wren.send(xml("presence", { to: `${muc}/Wren` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
      await wren.waitForPresence(`${muc}/Wren`, (stanza) => stanza.attrs["type"] === undefined);
      await keeper.waitForPresence(`${muc}/switchboard`, (stanza) => stanza.attrs["type"] === undefined, 10_000);
      await nora.waitForType("room.member", memberIs("Quill", "left"), 10_000);
      await nora.waitForType("room.member", memberIs("Wren", "joined"), 10_000);
      const listed = ((await nora.ok({ type: "room.members", room: "kickroom" }))["bridged_people"] as Record<string, unknown>[]).map((person) => person["nick"]);
      assert.ok(listed.includes("Wren") && listed.includes("Keeper") && !listed.includes("Quill"), `the room's list is the MUC's: ${JSON.stringify(listed)}`);
      assert.deepEqual(
        nora.pending("room.member").filter((frame) => frame["event"] === "joined"),
        [],
        "nobody who stayed (the keeper) shown joining again",
      );
      // Shown gone, Quill comes back: a join, as for anyone (the damping starts afresh from the MUC's list).
      await quill.send(xml("presence", { to: `${muc}/Quill` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
      await nora.waitForType("room.member", memberIs("Quill", "joined"), 10_000);
    } finally {
      await quill.stop();
      await wren.stop();
      await nora.close();
    }
  });
  it("respects a ban: the MUC's people leave the room, and it is joined again only when the operator reloads", async function () {
    this.timeout(30_000);
    const muc = `banme@${prosody.mucDomain}`;
    const admin = uniqueUser("nora");
    const nora = await NativeClient.session(daemon.url, admin, PASSWORD, { register: true });
    try {
      await nora.ok({ type: "room.join", room: "banroom" });
      await keeper.waitForPresence(`${muc}/switchboard`, (stanza) => stanza.attrs["type"] === undefined);
      const listed = (answer: Record<string, unknown>): unknown[] => (answer["bridged_people"] as Record<string, unknown>[]).map((person) => person["nick"]);
      assert.deepEqual(listed(await nora.ok({ type: "room.members", room: "banroom" })), ["Keeper"]);
      await keeper.iq(
        xml("iq", { type: "set", to: muc }, xml("query", { xmlns: "http://jabber.org/protocol/muc#admin" }, xml("item", { jid: `bridgebot@${prosody.domain}`, affiliation: "outcast" }, xml("reason", {}, "no bots")))),
      );
      await daemon.waitForLog(/"reason":"no bots"[^\n]*"msg":"XMPP bot banned from the MUC, or the MUC destroyed/);
      const left = await nora.waitForType("room.member", (frame) => frame["event"] === "left" && (frame["member"] as Record<string, unknown>)["nick"] === "Keeper");
      assert.equal(left["room"], "native:%23banroom");
      assert.deepEqual(listed(await nora.ok({ type: "room.members", room: "banroom" })), [], "nobody of the MUC shown any more");
      assert.doesNotMatch(daemon.log, /"muc":"banme@[^"]*"[^\n]*joining again/, "not joined again");
      // The ban lifted, the operator reloads the configuration: the bot tries the MUC again, and its people are back.
      await keeper.iq(xml("iq", { type: "set", to: muc }, xml("query", { xmlns: "http://jabber.org/protocol/muc#admin" }, xml("item", { jid: `bridgebot@${prosody.domain}`, affiliation: "none" }))));
      daemon.signal("SIGHUP");
      await keeper.waitForPresence(`${muc}/switchboard`, (stanza) => stanza.attrs["type"] === undefined, 10_000);
      await nora.waitForType("room.member", (frame) => frame["event"] === "joined" && (frame["member"] as Record<string, unknown>)["nick"] === "Keeper");
    } finally {
      await nora.close();
    }
  });

  describe("bad input from MUC occupants", function () {
    const muc = (): string => `dev@${prosody.mucDomain}`;

    /** A new XMPP user in the dev MUC under `nick`. */
    async function occupant(nick: string): Promise<XmppTestClient> {
      const name = uniqueUser("occupant");
      await prosody.register(name, PASSWORD);
      const client = await XmppTestClient.connect(prosody, name, PASSWORD);
      await client.send(xml("presence", { to: `${muc()}/${nick}` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
      await client.waitForPresence(`${muc()}/${nick}`);
      return client;
    }

    it("relays the line of an occupant whose nick holds a slash under that whole nick, never as the occupant its first part names", async function () {
      const romeo = await NativeClient.session(daemon.url, uniqueUser("romeo"), PASSWORD, { register: true });
      await romeo.ok({ type: "room.join", room: "dev" });
      const jules = await occupant("Jules");
      const mallory = await occupant("Jules/x");
      try {
        const lines: Record<string, unknown>[] = [];
        for (const [speaker, text] of [[jules, "it is me"], [mallory, "it is me too"]] as const) {
          await speaker.sendMessage(muc(), text, "groupchat");
          lines.push((await romeo.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === text))["message"] as Record<string, unknown>);
        }
        assert.deepEqual(
          lines.map((line) => [line["sender_name"], line["from"], line["body"]]),
          [
            ["Jules", `xmpp://bridge/${muc()}%2FJules`, "it is me"],
            ["Jules/x", `xmpp://bridge/${muc()}%2FJules%2Fx`, "it is me too"],
          ],
        );
      } finally {
        await Promise.all([romeo.close(), jules.stop(), mallory.stop()]);
      }
    });

    it("tells an occupant in private that a line too long was not relayed, instead of dropping it unsaid, and goes on relaying", async function () {
      const romeo = await NativeClient.session(daemon.url, uniqueUser("romeo"), PASSWORD, { register: true });
      await romeo.ok({ type: "room.join", room: "dev" });
      const talker = await occupant("Talker");
      try {
        await talker.sendMessage(muc(), "x".repeat(70_000), "groupchat");
        const notice = await talker.waitForMessage(`${muc()}/switchboard`, (message) => message.attrs["type"] === "chat");
        assert.match(notice.getChildText("body") ?? "", /^Your line was not relayed: the message body is longer than 65536 characters/);
        await talker.sendMessage(muc(), "a short one", "groupchat");
        const relayed = (await romeo.waitForType("message"))["message"] as Record<string, unknown>;
        assert.deepEqual([relayed["sender_name"], relayed["body"]], ["Talker", "a short one"], "the long line never reached the room");
        await daemon.waitForLog(/"nick":"Talker"[^\n]*"msg":"MUC line not relayed"/);
      } finally {
        await Promise.all([romeo.close(), talker.stop()]);
      }
    });
  });
});
