/**
 * Membership flap damping against a real ngIRCd (docs/irc.md "Flap damping"): an IRC user bouncing in and out of
 * a bridged channel does not spam the native room's members, who see one join and, once the user is gone for
 * good, one leave; and a network with `membership.relay: false` shows the room no joins or leaves at all. The
 * holds are short here (2 s) so that the test awaits the final leave instead of sleeping.
 */
import assert from "node:assert/strict";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient } from "../helpers/irc-client.js";
import { startNgircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";

function memberNick(frame: Frame): unknown {
  return (frame["member"] as Record<string, unknown> | undefined)?.["nick"];
}

describe("membership flap damping against ngIRCd", function () {
  let server: IrcServer;
  let daemon: Daemon;
  let alice: NativeClient;
  const ircClients: IrcTestClient[] = [];

  async function ircUser(prefix: string): Promise<IrcTestClient> {
    const client = await IrcTestClient.connect(server, uniqueUser(prefix));
    ircClients.push(client);
    return client;
  }

  async function part(client: IrcTestClient, channel: string): Promise<void> {
    client.send(`PART ${channel}`);
    await client.waitFor((line) => line.command === "PART" && client.same(line.nick, client.nick) && line.params[0] === channel);
  }

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing ngIRCd on a fresh machine may take minutes
    server = await startNgircd();
    // `quiet` channels are listed with membership: false (their joins and leaves are not relayed).
    const network = (name: string, nick: string, channels: Record<string, string>, membership: string[], quiet: string[] = []): string[] => [
      `    - name: ${name}`,
      "      host: 127.0.0.1",
      `      port: ${server.port}`,
      `      nick: ${nick}`,
      "      channels:",
      ...Object.entries(channels).flatMap(([channel, room]) => [
        `        - channel: "${channel}"`,
        `          room: ${room}`,
        ...(quiet.includes(channel) ? ["          membership: false"] : []),
      ]),
      "      membership:",
      ...membership.map((line) => `        ${line}`),
    ];
    daemon = Daemon.create(
      [
        "irc:",
        "  networks:",
        ...network("flapnet", "sbflap", { "#flap": "flap", "#other": "other", "#hush": "hush" }, ["leave_hold_seconds: 2", "flap_changes: 2"], ["#hush"]),
        ...network("quietnet", "sbquiet", { "#silent": "silent" }, ["relay: false"]),
      ].join("\n"),
    );
    await daemon.start();
    await daemon.waitForLog(/"network":"flapnet".*IRC network online|IRC network online.*"network":"flapnet"/, 15_000);
    await daemon.waitForLog(/"network":"quietnet".*IRC network online|IRC network online.*"network":"quietnet"/, 15_000);
    alice = await NativeClient.session(daemon.url, uniqueUser("fa"), PASSWORD, { register: true });
    await alice.ok({ type: "room.join", room: "flap" });
    await alice.ok({ type: "room.join", room: "silent" });
    await alice.ok({ type: "room.join", room: "other" });
    await alice.ok({ type: "room.join", room: "hush" });
  });

  after(async function () {
    await alice?.close();
    await Promise.all(ircClients.map((client) => client.quit()));
    await daemon?.dispose();
    await server?.dispose();
  });

  it("shows a native member one join and one leave of an IRC user who joins and leaves the channel over and over", async function () {
    this.timeout(30_000);
    const bouncer = await ircUser("bnc");
    await bouncer.join("#flap");
    await alice.waitForType("room.member", (frame) => memberNick(frame) === bouncer.nick && frame["event"] === "joined", 10_000);
    for (let i = 0; i < 4; i += 1) {
      await part(bouncer, "#flap");
      await bouncer.join("#flap");
    }
    await part(bouncer, "#flap"); // gone for good
    await alice.waitForType("room.member", (frame) => memberNick(frame) === bouncer.nick && frame["event"] === "left", 10_000);

    const seen = alice.transcript.filter((frame) => frame.type === "room.member" && memberNick(frame) === bouncer.nick).map((frame) => frame["event"]);
    assert.deepEqual(seen, ["joined", "left"], "the native member saw the bouncing");
  });

  it("relays no joins or leaves on a network whose membership.relay is off, and still relays what is said", async function () {
    const visitor = await ircUser("vis");
    await visitor.join("#silent");
    visitor.privmsg("#silent", "just passing through");
    await part(visitor, "#silent");
    const speaker = await ircUser("spk");
    await speaker.join("#silent");
    speaker.privmsg("#silent", "after the visitor left");
    await alice.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "after the visitor left", 10_000);

    assert.equal(alice.transcript.filter((frame) => frame.type === "message" && (frame["message"] as Record<string, unknown>)["body"] === "just passing through").length, 1);
    assert.deepEqual(
      alice.transcript.filter((frame) => frame.type === "room.member" && frame["room"] === "native:%23silent"),
      [],
      "a join or leave was relayed",
    );
  });

  it("relays no joins or leaves in a channel listed with membership: false, while the network's other channels show them", async function () {
    const visitor = await ircUser("hvis");
    await visitor.join("#hush");
    await visitor.join("#other");
    visitor.privmsg("#hush", "quietly here");
    await alice.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "quietly here", 10_000);
    assert.deepEqual(
      alice.transcript.filter((frame) => frame.type === "room.member" && memberNick(frame) === visitor.nick).map((frame) => frame["room"]),
      ["native:%23other"],
      "the join of #other is relayed (before the line said after it) and the join of #hush is not",
    );
  });

  it("shows an IRC user's quit as a leave in the rooms of the channels they were in, and nowhere else", async function () {
    this.timeout(30_000);
    const quitter = await ircUser("qt");
    await quitter.join("#flap");
    await alice.waitForType("room.member", (frame) => memberNick(frame) === quitter.nick && frame["event"] === "joined", 10_000);
    await quitter.quit("off to bed");
    const left = await alice.waitForType("room.member", (frame) => memberNick(frame) === quitter.nick && frame["event"] === "left", 10_000);
    assert.equal(left["room"], "native:%23flap");
    // Someone joining #other afterwards: any leave the quit caused there would have come before.
    const later = await ircUser("lt");
    await later.join("#other");
    await alice.waitForType("room.member", (frame) => memberNick(frame) === later.nick && frame["room"] === "native:%23other", 10_000);
    assert.deepEqual(
      alice.transcript.filter((frame) => frame.type === "room.member" && memberNick(frame) === quitter.nick).map((frame) => `${String(frame["event"])} ${String(frame["room"])}`),
      ["joined native:%23flap", "left native:%23flap"],
      "the quit showed in a room whose channel the user was never in",
    );
  });
});
