/**
 * Room relays to IRC expire (issue 5): a room message for a channel the daemon cannot reach for longer than
 * `outbox.expire_after_seconds` is reported to its native sender as failed (`message.failed`, GW_ERR_EXPIRED) and
 * is not delivered when the network comes back. Against a real ngIRCd, the daemon cut off by a TcpGate: one
 * message written into the dead link just before it was cut (never confirmed), one accepted while it is down.
 */
import assert from "node:assert/strict";
import { uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { GatedIrcBridge } from "../helpers/gated-irc-bridge.js";
import { startNgircd } from "../helpers/irc-servers.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";

describe("room relays to an IRC channel that cannot be reached", function () {
  let bridge: GatedIrcBridge;

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing ngIRCd on a fresh machine may take minutes
    bridge = await GatedIrcBridge.start(await startNgircd(), {
      network: "expnet",
      nick: "sbexp",
      channel: "#exp",
      // debug: the test waits for a query's "delivery deferred" before it cuts the link.
      yaml: ["log:", "  level: debug", "outbox:", "  expire_after_seconds: 2", "  retry_interval_seconds: 1"],
    });
  });

  after(async function () {
    await bridge?.dispose();
  });

  it("reports them to the sender as expired and never delivers them after the network is back", async function () {
    this.timeout(60_000);
    const { alice, reader, gate } = bridge;
    const inChannel = bridge.fromPuppet("#exp");
    await alice.ok({ type: "room.send", room: "exp", body: "first" });
    await reader.waitFor((line) => inChannel(line) && line.params[1] === "first", 15_000);
    await bridge.confirmed(["first"], true);

    gate.swallow();
    const intoTheVoid = await alice.ok({ type: "room.send", room: "exp", body: "stale 1" });
    await bridge.cutAfter(/stale 1/);
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

    await bridge.reconnect();
    await alice.ok({ type: "room.send", room: "exp", body: "fresh" });
    await reader.waitFor((line) => inChannel(line) && line.params[1] === "fresh", 30_000, "the message sent after the reconnect");
    assert.deepEqual(reader.transcript.filter(inChannel).map((line) => line.params[1]), ["first", "fresh"], "an expired message reached the channel");
  });

  it("tells an IRC user that their query expired once the network is back, when it was down as the query expired", async function () {
    this.timeout(60_000);
    const { reader, gate, daemon } = bridge;
    const doraName = uniqueUser("dora");
    const dora = await NativeClient.session(daemon.url, doraName, PASSWORD, { register: true });
    await dora.ok({ type: "message.send", to: `irc://expnet/${reader.nick.toLowerCase()}`, body: "write to me" });
    const hello = await reader.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "write to me", 15_000);
    await dora.close(); // offline: what she is sent waits for her
    reader.privmsg(hello.nick ?? "", "here I am");
    await daemon.waitForLog(new RegExp(`"recipient":"native:${doraName}"[^\\n]*delivery deferred`), 10_000);
    const lost = (daemon.log.match(/IRC connection lost/g) ?? []).length;
    gate.close();
    await daemon.waitForLog(new RegExp(`(IRC connection lost[\\s\\S]*){${lost + 1}}`), 15_000);
    await daemon.waitForLog(/"message expired"/, 15_000);
    const online = (daemon.log.match(/IRC network online/g) ?? []).length;
    gate.reopen();
    await daemon.waitForLog(new RegExp(`(IRC network online[\\s\\S]*){${online + 1}}`), 30_000);
    const notice = await reader.waitFor((line) => line.command === "NOTICE" && /not delivered/.test(line.params[1] ?? ""), 15_000, "the failure NOTICE");
    assert.match(notice.params[1] ?? "", new RegExp(`not delivered to native:${doraName}.*GW_ERR_EXPIRED`, "i"));
  });
});
