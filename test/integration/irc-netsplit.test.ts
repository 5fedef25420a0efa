/**
 * Netsplit damping against two linked ngIRCd servers (docs/irc.md "Flap damping"): the gateway is on server A,
 * an IRC user on server B is in two bridged channels. An operator on A splits B off (SQUIT) and links it again
 * (CONNECT): the user's quit ("irc.a.test irc.b.test") and rejoin show nothing in the room of a network with the
 * default `netsplit_hold_seconds`, and show as a leave at once on a network with `netsplit_hold_seconds: 0`.
 * A channel operator behind the split keeps his role where the heal's MODE gives it back, and is a member after
 * a heal that does not.
 * Leaves are not otherwise held here (`leave_hold_seconds: 0`), so only the netsplit hold can hide the quit.
 */
import assert from "node:assert/strict";
import { ircNetworkYaml } from "../helpers/config-yaml.js";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient } from "../helpers/irc-client.js";
import { startNgircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";

const LINK_PASSWORD = "link-secret";
const OPERATOR = { name: "splitter", password: "oper-secret" };

function memberEvents(transcript: readonly Frame[], nick: string, room: string): unknown[] {
  return transcript
    .filter((frame) => frame.type === "room.member" && frame["room"] === room && (frame["member"] as Record<string, unknown> | undefined)?.["nick"] === nick)
    .map((frame) => frame["event"]);
}

describe("netsplit damping against two linked ngIRCd servers", function () {
  let serverA: IrcServer;
  let serverB: IrcServer;
  let daemon: Daemon;
  let alice: NativeClient;
  let operator: IrcTestClient;
  let traveller: IrcTestClient;

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing ngIRCd on a fresh machine may take minutes
    serverB = await startNgircd({ name: "irc.b.test", peers: [{ name: "irc.a.test", password: LINK_PASSWORD }] });
    serverA = await startNgircd({ name: "irc.a.test", operators: [OPERATOR], peers: [{ name: "irc.b.test", password: LINK_PASSWORD, port: serverB.port }] });
    const network = (name: string, nick: string, channel: string, room: string, extra: string[]): string[] =>
      ircNetworkYaml(name, serverA.port, nick, [...extra, "channels:", `  - channel: "${channel}"`, `    room: ${room}`, "membership:", "  leave_hold_seconds: 0"]);
    daemon = Daemon.create(
      ["irc:", "  networks:", ...network("heldnet", "sbheld", "#held", "held", []), ...network("shownnet", "sbshown", "#shown", "shown", ["netsplit_hold_seconds: 0"])].join("\n"),
    );
    await daemon.start();
    await daemon.waitForLog(/"network":"heldnet".*IRC network online|IRC network online.*"network":"heldnet"/, 15_000);
    await daemon.waitForLog(/"network":"shownnet".*IRC network online|IRC network online.*"network":"shownnet"/, 15_000);
    alice = await NativeClient.session(daemon.url, uniqueUser("ns"), PASSWORD, { register: true });
    await alice.ok({ type: "room.join", room: "held" });
    await alice.ok({ type: "room.join", room: "shown" });

    operator = await IrcTestClient.connect(serverA, uniqueUser("op"));
    operator.send(`OPER ${OPERATOR.name} ${OPERATOR.password}`);
    await operator.waitFor((line) => line.command === "381", 10_000, "RPL_YOUREOPER (381)");
    await operator.join("#held");
    traveller = await IrcTestClient.connect(serverB, uniqueUser("tr"));
    await traveller.join("#held");
    await traveller.join("#shown");
    // Seen on A: the servers are linked (A connects to B at start-up; the JOINs come with the link's burst if later).
    await operator.waitFor((line) => line.command === "JOIN" && operator.same(line.nick, traveller.nick), 30_000, "the traveller's JOIN through the link");
    await alice.waitForType("room.member", (frame) => frame["room"] === "native:%23held" && frame["event"] === "joined", 30_000);
    await alice.waitForType("room.member", (frame) => frame["room"] === "native:%23shown" && frame["event"] === "joined", 30_000);
  });

  after(async function () {
    await alice?.close();
    await Promise.all([operator?.quit(), traveller?.quit()]);
    await daemon?.dispose();
    await Promise.all([serverA?.dispose(), serverB?.dispose()]);
  });

  it("shows a split and its heal as nothing with the hold, and as a leave at once without it", async function () {
    this.timeout(60_000);
    operator.send("SQUIT irc.b.test :netsplit test");
    const quit = await operator.waitFor((line) => line.command === "QUIT" && operator.same(line.nick, traveller.nick), 15_000, "the traveller's netsplit QUIT");
    assert.equal(quit.params[0], "irc.a.test irc.b.test", "ngIRCd's netsplit quit reason");
    await alice.waitForType("room.member", (frame) => frame["room"] === "native:%23shown" && frame["event"] === "left", 15_000);

    operator.send("CONNECT irc.b.test");
    await operator.waitFor((line) => line.command === "JOIN" && operator.same(line.nick, traveller.nick), 30_000, "the traveller back with the second link");
    await alice.waitForType("room.member", (frame) => frame["room"] === "native:%23shown" && frame["event"] === "joined", 15_000);
    traveller.privmsg("#held", "back from the split");
    await alice.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "back from the split", 15_000);

    // The quit and the rejoin reached the gateway before the message: any leave or join shown would be above it.
    assert.deepEqual(memberEvents(alice.transcript, traveller.nick, "native:%23held"), ["joined"], "the split showed with the hold");
    assert.deepEqual(memberEvents(alice.transcript, traveller.nick, "native:%23shown"), ["joined", "left", "joined"], "the split without the hold");
  });

  it("shows a channel operator back from a split with the role the servers give him: kept where the heal's MODE gives his op back, member where it does not", async function () {
    this.timeout(60_000);
    const roleOf = (frame: Frame): unknown => (frame["member"] as Record<string, unknown>)["role"];
    const heldRoles = (): unknown[] =>
      alice.transcript.filter((frame) => frame.type === "room.member" && frame["room"] === "native:%23held" && frame["event"] === "role" && (frame["member"] as Record<string, unknown>)["nick"] === traveller.nick).map(roleOf);
    // ngIRCd lets an IRC operator set channel modes (OperCanUseMode).
    operator.send(`MODE #held +o ${traveller.nick}`);
    await alice.waitForType("room.member", (frame) => frame["room"] === "native:%23held" && frame["event"] === "role" && roleOf(frame) === "admin", 15_000);

    // A heal whose burst gives the op back (ngIRCd: a MODE +o from the traveller's server right after his JOIN).
    operator.send("SQUIT irc.b.test :netsplit test");
    await operator.waitFor((line) => line.command === "QUIT" && operator.same(line.nick, traveller.nick), 15_000, "the traveller's netsplit QUIT");
    operator.send("CONNECT irc.b.test");
    await operator.waitFor((line) => line.command === "JOIN" && operator.same(line.nick, traveller.nick), 30_000, "the traveller back with the link");
    await operator.waitFor((line) => line.command === "MODE" && line.nick === "irc.b.test" && operator.same(line.params[2], traveller.nick), 10_000, "the heal's MODE giving the op back");
    // Both ways healed (A's burst reached B before this line) before the next split.
    operator.privmsg("#held", "welcome back");
    await traveller.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "welcome back", 15_000, "the operator's line through the healed link");

    // A heal that does not: he gave up his op on his side of the split.
    operator.send("SQUIT irc.b.test :netsplit test");
    await operator.waitFor((line) => line.command === "QUIT" && operator.same(line.nick, traveller.nick), 15_000, "the traveller's second netsplit QUIT");
    traveller.send(`MODE #held -o ${traveller.nick}`);
    await traveller.waitFor((line) => line.command === "MODE" && line.params[1] === "-o", 10_000, "his own deop");
    operator.send("CONNECT irc.b.test");
    await operator.waitFor((line) => line.command === "JOIN" && operator.same(line.nick, traveller.nick), 30_000, "the traveller back with the second link");
    await alice.waitForType("room.member", (frame) => frame["room"] === "native:%23held" && frame["event"] === "role" && roleOf(frame) === "member", 15_000);

    // The first heal's role was looked at before the second's (the same grace after each): it showed no change.
    assert.deepEqual(heldRoles(), ["admin", "member"]);
    const listed = (await alice.ok({ type: "room.members", room: "held" }))["bridged_people"] as Frame[];
    assert.equal(listed.find((person) => person["nick"] === traveller.nick)?.["role"], "member");
  });
});
