/**
 * A disabled user's IRC puppet stays away across a restart, against a real ngIRCd: a room message the user sent while
 * the network was unreachable, still queued when an admin disabled them and the daemon restarted, does not bring their
 * puppet back once the network is. It is reported failed to them (GW_ERR_ACCOUNT_DISABLED, saying disabled), which
 * they read once enabled again, and the channel's later messages are not held up by it.
 */
import assert from "node:assert/strict";
import { uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { GatedIrcBridge } from "../helpers/gated-irc-bridge.js";
import { startNgircd } from "../helpers/irc-servers.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";

const ADMIN = uniqueUser("adm");
const CHANNEL = "#held";

describe("a disabled user's IRC puppet across a restart", function () {
  let bridge: GatedIrcBridge;
  const clients: NativeClient[] = [];

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing ngIRCd on a fresh machine may take minutes
    bridge = await GatedIrcBridge.start(await startNgircd(), { network: "heldnet", nick: "sbheld", channel: CHANNEL, yaml: [`admins: ["native:${ADMIN}"]`] });
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed" && bridge) console.log(bridge.daemon.log.slice(-4000));
  });

  after(async function () {
    for (const client of clients) await client.close();
    await bridge?.dispose();
  });

  async function session(name: string, register = false): Promise<NativeClient> {
    const client = await NativeClient.session(bridge.daemon.url, name, PASSWORD, { register });
    clients.push(client);
    return client;
  }

  it("does not bring the puppet back for a message queued before the user was disabled; the user is told, once enabled", async function () {
    this.timeout(90_000);
    const { alice, reader, gate, daemon } = bridge;
    const aliceName = bridge.puppet.slice(0, -"[sb]".length);
    await alice.ok({ type: "room.send", room: "held", body: "before the cut" });
    await reader.waitFor((line) => bridge.fromPuppet(CHANNEL)(line) && line.params[1] === "before the cut", 15_000, "alice's puppet speaking");
    const admin = await session(ADMIN, true);
    await admin.ok({ type: "room.join", room: "held" });

    gate.close();
    await daemon.waitForLog(/IRC connection lost/);
    const queued = await alice.ok({ type: "room.send", room: "held", body: "queued before the lock" });
    await admin.ok({ type: "admin.user.disable", name: aliceName, reason: "abuse" });
    assert.equal(await alice.closed(), 4001);
    await admin.close();

    await daemon.restart();
    gate.reopen();
    await daemon.waitForLog(/IRC network online/, 30_000);
    const adminAgain = await session(ADMIN);
    await adminAgain.ok({ type: "room.send", room: "held", body: "after the restart" });
    await reader.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "after the restart", 30_000, "the admin's line after the restart");
    // Its QUIT, when the link was cut, comes whenever the server notices: only its JOINs and lines count.
    const puppetSeen = reader.transcript.filter((line) => line.nick?.toLowerCase() === bridge.puppet && line.command !== "QUIT").map((line) => `${line.command} ${line.params.join(" ")}`);
    assert.deepEqual(puppetSeen, [`JOIN ${CHANNEL}`, `PRIVMSG ${CHANNEL} before the cut`], "alice's puppet came back after the restart");
    await daemon.waitForLog(/GW_ERR_ACCOUNT_DISABLED/, 10_000);

    await adminAgain.ok({ type: "admin.user.enable", name: aliceName });
    const back = await session(aliceName);
    const failed = await back.waitForType("message.failed", (frame: Frame) => frame["message_id"] === queued["message_id"], 15_000);
    assert.equal(failed["code"], "GW_ERR_ACCOUNT_DISABLED");
    assert.match(String(failed["reason"]), new RegExp(`native:${aliceName} is disabled`));
    assert.doesNotMatch(String(failed["reason"]), /deleted/);
  });
});
