/**
 * The gateway's own IRC connection out of a bridged channel, against a real ngIRCd: everything said in the
 * channel reaches the bridge through that connection, so a kick, or a JOIN the server refuses, would silence the
 * channel's side of the bridge. The gateway warns, shows the channel in its status, and joins again: a while
 * after a kick, every minute after a refusal, and at once when a channel operator invites it back.
 */
import assert from "node:assert/strict";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient } from "../helpers/irc-client.js";
import { startNgircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient } from "../helpers/native-client.js";

describe("the gateway's IRC connection kicked from a bridged channel, against ngIRCd", function () {
  let server: IrcServer;
  let daemon: Daemon;
  let op: IrcTestClient;
  let alice: NativeClient;
  const adminName = uniqueUser("doorman");

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing ngIRCd on a fresh machine may take minutes
    server = await startNgircd();
    // The channel operator is there first, so that the channel is theirs to kick from and lock.
    op = await IrcTestClient.connect(server, uniqueUser("chop"));
    await op.join("#door");
    // #locked has a key the configuration gets wrong.
    await op.join("#locked");
    op.send("MODE #locked +k right");
    await op.waitFor((line) => line.command === "MODE" && line.params[0] === "#locked");
    daemon = Daemon.create(
      [
        `admins: ["native:${adminName}"]`,
        "irc:",
        "  networks:",
        "    - name: doornet",
        "      host: 127.0.0.1",
        `      port: ${server.port}`,
        "      nick: sbdoor",
        "      channels:",
        '        - channel: "#door"',
        "          room: door",
        '        - channel: "#locked"',
        "          room: locked",
        "          key: wrong",
      ].join("\n"),
    );
    await daemon.start();
    await daemon.waitForLog(/IRC network online/, 15_000);
    await op.waitFor((line) => line.command === "JOIN" && line.nick === "sbdoor");
    await daemon.waitForLog(/refused the gateway's JOIN of a bridged channel/);
    alice = await NativeClient.session(daemon.url, adminName, PASSWORD, { register: true });
    await alice.ok({ type: "room.join", room: "door" });
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-4000));
  });

  after(async function () {
    await alice?.close();
    await op?.quit();
    await daemon?.dispose();
    await server?.dispose();
  });

  async function notJoined(): Promise<unknown> {
    const answer = await alice.ok({ type: "gateway.status" });
    const adapters = (answer["status"] as { adapters: Array<{ protocol: string; stats?: Record<string, number> }> }).adapters;
    return adapters.find((adapter) => adapter.protocol === "irc")?.stats?.["channels_not_joined"];
  }

  it("warns, tries again, shows the channel in its status while refused, and is back in at an invitation", async function () {
    this.timeout(30_000);
    op.privmsg("#door", "before the kick");
    await alice.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "before the kick");
    assert.equal(await notJoined(), 1, "#locked: its key is wrong");

    // Kicked, and the channel made invite-only before the gateway tries again.
    op.send("MODE #door +i");
    await op.waitFor((line) => line.command === "MODE" && line.params[1] === "+i");
    op.send("KICK #door sbdoor :cool off");
    await daemon.waitForLog(/"channel":"#door".*kicked from a bridged channel/);
    await daemon.waitForLog(/"channel":"#door"[^\n]*refused the gateway's JOIN of a bridged channel/, 15_000);
    assert.equal(await notJoined(), 2, "the status shows the channels the gateway is out of");

    op.send("INVITE sbdoor #door");
    await op.waitFor((line) => line.command === "JOIN" && line.nick === "sbdoor" && line.params[0] === "#door");
    await daemon.waitForLog(/invited back to a bridged channel/);
    await daemon.waitForLog(/in the bridged channel again/);
    op.privmsg("#door", "after the invitation");
    await alice.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "after the invitation");
    assert.equal(await notJoined(), 1, "#locked, still");
  });

  it("tells the operator when a channel's JOIN is refused at connect, and a native user's line to it fails with the numeric's code", async function () {
    await daemon.waitForLog(/"channel":"#locked"[^\n]*refused the gateway's JOIN of a bridged channel/);
    await alice.ok({ type: "room.join", room: "locked" });
    const sent = await alice.ok({ type: "room.send", room: "locked", body: "knock knock" });
    const failed = await alice.waitForType("message.failed", (frame) => frame["message_id"] === sent["message_id"]);
    assert.equal(failed["code"], "GW_ERR_KEY_NEEDED");
    assert.match(String(failed["reason"]), /ERR_BADCHANNELKEY/);
  });

  it("takes a puppet's refused JOIN for the puppet's alone, not the gateway's connection's", async function () {
    // #door is invite-only since the first test, and the gateway is in it: alice's puppet is refused.
    const before = (daemon.log.match(/"channel":"#door"[^\n]*refused the gateway's JOIN/g) ?? []).length;
    const sent = await alice.ok({ type: "room.send", room: "door", body: "let me in" });
    const failed = await alice.waitForType("message.failed", (frame) => frame["message_id"] === sent["message_id"]);
    assert.match(String(failed["reason"]), /ERR_INVITEONLYCHAN/);
    op.privmsg("#door", "the gateway is still here");
    await alice.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "the gateway is still here");
    assert.equal((daemon.log.match(/"channel":"#door"[^\n]*refused the gateway's JOIN/g) ?? []).length, before);
    assert.equal(await notJoined(), 1, "#locked only");
  });

  it("shows the joins, leaves and role changes that happened while it was out of the channel once it is back in", async function () {
    this.timeout(30_000);
    type Frame = Record<string, unknown>;
    const nickOf = (frame: Frame): unknown => (frame["member"] as Frame)["nick"];
    const member = (nick: string, event: string) => (frame: Frame) => frame["room"] === "native:%23door" && nickOf(frame) === nick && frame["event"] === event;
    // #door is invite-only since the first test.
    op.send("MODE #door -i");
    await op.waitFor((line) => line.command === "MODE" && line.params[1] === "-i");
    const leaver = await IrcTestClient.connect(server, uniqueUser("leaver"));
    const stayer = await IrcTestClient.connect(server, uniqueUser("stayer"));
    const comer = await IrcTestClient.connect(server, uniqueUser("comer"));
    try {
      await leaver.join("#door");
      await stayer.join("#door");
      await alice.waitForType("room.member", member(leaver.nick, "joined"));
      await alice.waitForType("room.member", member(stayer.nick, "joined"));

      op.send("KICK #door sbdoor :again");
      await daemon.waitForLog(/"channel":"#door"[^\n]*"reason":"again"[^\n]*kicked from a bridged channel/);
      // Out of the channel, the gateway sees none of this; it joins again 5 s after the kick.
      leaver.send("PART #door :gone while the gateway was out");
      await op.waitFor((line) => line.command === "PART" && line.nick === leaver.nick);
      await comer.join("#door");
      op.send(`MODE #door +o ${stayer.nick}`);
      await op.waitFor((line) => line.command === "MODE" && line.params[2] === stayer.nick);
      await op.waitFor((line) => line.command === "JOIN" && line.nick === "sbdoor" && line.params[0] === "#door", 15_000);

      const left = await alice.waitForType("room.member", member(leaver.nick, "left"));
      assert.equal(left["kicked"], undefined, "a leave, not a kick");
      await alice.waitForType("room.member", member(comer.nick, "joined"));
      const promoted = await alice.waitForType("room.member", member(stayer.nick, "role"));
      assert.deepEqual([(promoted["previous"] as Frame)["role"], (promoted["member"] as Frame)["role"]], ["member", "admin"]);
      const listed = ((await alice.ok({ type: "room.members", room: "door" }))["bridged_people"] as Frame[]).map((person) => person["nick"]);
      assert.ok(listed.includes(comer.nick) && listed.includes(stayer.nick) && !listed.includes(leaver.nick), `the room's list is the channel's: ${JSON.stringify(listed)}`);
      // Each shown once: the people who stayed are not shown joining again.
      assert.equal(alice.transcript.filter((frame) => frame.type === "room.member" && member(stayer.nick, "joined")(frame)).length, 1);
      // Shown gone, the leaver comes back: a join, as for anyone (the damping starts afresh from the channel's list).
      await leaver.join("#door");
      await alice.waitForType("room.member", member(leaver.nick, "joined"));
    } finally {
      await Promise.all([leaver.quit(), stayer.quit(), comer.quit()]);
    }
  });
});
