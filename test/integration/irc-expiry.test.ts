/**
 * Room relays to IRC expire (issue 5): a room message for a channel the daemon cannot reach for longer than
 * `outbox.expire_after_seconds` is reported to its native sender as failed (`message.failed`, GW_ERR_EXPIRED) and
 * is not delivered when the network comes back. Against a real ngIRCd, the daemon cut off by a TcpGate: one
 * message written into the dead link just before it was cut (never confirmed), one accepted while it is down.
 */
import assert from "node:assert/strict";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient, pingBarrierAfter, type IrcMessage } from "../helpers/irc-client.js";
import { startNgircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";
import { TcpGate } from "../helpers/tcp-gate.js";

describe("room relays to an IRC channel that cannot be reached", function () {
  let server: IrcServer;
  let gate: TcpGate;
  let daemon: Daemon;
  let reader: IrcTestClient;
  let alice: NativeClient;
  const aliceName = uniqueUser("ex");
  const puppet = `${aliceName}[sb]`.toLowerCase();
  const inChannel = (line: IrcMessage): boolean => line.command === "PRIVMSG" && line.nick?.toLowerCase() === puppet && line.params[0] === "#exp";

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing ngIRCd on a fresh machine may take minutes
    server = await startNgircd();
    gate = await TcpGate.start(server.host, () => server.port);
    reader = await IrcTestClient.connect(server, uniqueUser("rx"));
    await reader.join("#exp");
    daemon = Daemon.create(
      [
        "outbox:",
        "  expire_after_seconds: 2",
        "  retry_interval_seconds: 1",
        "irc:",
        "  networks:",
        "    - name: expnet",
        "      host: 127.0.0.1",
        `      port: ${gate.port}`,
        "      nick: sbexp",
        "      channels:",
        '        - channel: "#exp"',
        "          room: exp",
        "      puppets:",
        "        connect_interval_ms: 0",
      ].join("\n"),
    );
    await daemon.start();
    await daemon.waitForLog(/IRC network online/, 15_000);
    alice = await NativeClient.session(daemon.url, aliceName, PASSWORD, { register: true });
    await alice.ok({ type: "room.join", room: "exp" });
  });

  after(async function () {
    await alice?.close();
    await reader?.quit();
    await daemon?.dispose();
    await gate?.dispose();
    await server?.dispose();
  });

  it("reports them to the sender as expired and never delivers them after the network is back", async function () {
    this.timeout(60_000);
    await alice.ok({ type: "room.send", room: "exp", body: "first" });
    await reader.waitFor((line) => inChannel(line) && line.params[1] === "first", 15_000);
    await gate.clientWrote(pingBarrierAfter("first"), "forwarded"); // its confirmation is on its way back

    gate.swallow();
    const intoTheVoid = await alice.ok({ type: "room.send", room: "exp", body: "stale 1" });
    await gate.clientWrote(/stale 1/, "swallowed");
    gate.close();
    await daemon.waitForLog(/IRC connection lost/);
    const whileDown = await alice.ok({ type: "room.send", room: "exp", body: "stale 2" });

    const failedFor = (id: unknown) => (frame: Frame) => frame["message_id"] === id;
    for (const sent of [intoTheVoid, whileDown]) {
      const failed = await alice.waitForType("message.failed", failedFor(sent["message_id"]), 15_000);
      assert.deepEqual([failed["to"], failed["code"]], ["irc://expnet/%23exp", "GW_ERR_EXPIRED"]);
    }
    assert.deepEqual(
      alice.pending("message.failed").map((frame) => frame["message_id"]),
      [],
      "only the two unreachable messages failed",
    );

    gate.reopen();
    await daemon.waitForLog(/IRC network online[\s\S]*IRC network online/, 30_000);
    await alice.ok({ type: "room.send", room: "exp", body: "fresh" });
    await reader.waitFor((line) => inChannel(line) && line.params[1] === "fresh", 30_000, "the message sent after the reconnect");
    assert.deepEqual(reader.transcript.filter(inChannel).map((line) => line.params[1]), ["first", "fresh"], "an expired message reached the channel");
  });
});
