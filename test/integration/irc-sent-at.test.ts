/**
 * An IRC line's server-time as when it was said, against a real InspIRCd: a channel with history (m_chanhistory,
 * mode +H) replays what was said in it to the gateway when it joins, each line with its original server-time, and
 * the bridged room keeps those lines with `sent_at`, while a line said live carries none.
 */
import assert from "node:assert/strict";
import { SENT_AT_TOLERANCE_MS } from "../../src/core/model/sent-at.js";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient } from "../helpers/irc-client.js";
import { startInspircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient } from "../helpers/native-client.js";

describe("an IRC line's server-time, against InspIRCd's channel history", function () {
  let server: IrcServer;
  let daemon: Daemon | undefined;
  let bob: IrcTestClient | undefined;
  let alice: NativeClient | undefined;

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing InspIRCd on a fresh machine may take minutes
    server = await startInspircd({ extraModules: ["chanhistory"] });
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon?.log.slice(-4000));
  });

  after(async function () {
    await alice?.close();
    await bob?.quit();
    await daemon?.dispose();
    await server?.dispose();
  });

  it("keeps when a line replayed at the gateway's join was said, and no time on a live line", async function () {
    this.timeout(60_000);
    bob = await IrcTestClient.connect(server, uniqueUser("bob"));
    await bob.join("#hist");
    bob.send("MODE #hist +H 10:1d");
    await bob.waitFor((line) => line.command === "MODE" && line.params.includes("+H"), 10_000, "the history mode set");
    const before = Date.now();
    bob.privmsg("#hist", "said before the bridge");
    // Past the 2 seconds within which a stamp counts as live (core/model/sent-at.ts): no event marks it, only time.
    await new Promise((resolve) => setTimeout(resolve, SENT_AT_TOLERANCE_MS + 1_000));
    daemon = Daemon.create(["irc:", "  networks:", "    - name: histnet", "      host: 127.0.0.1", `      port: ${server.port}`, "      nick: sbgate", "      channels:", '        - channel: "#hist"', "          room: hist"].join("\n"));
    await daemon.start();
    await bob.waitFor((line) => line.command === "JOIN" && line.nick === "sbgate", 20_000, "the gateway's join");
    alice = await NativeClient.session(daemon.url, uniqueUser("al"), PASSWORD, { register: true });
    await alice.ok({ type: "room.join", room: "hist" });
    bob.privmsg("#hist", "said live");
    await alice.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "said live", 10_000);
    const history = (await alice.ok({ type: "history", room: "hist" }))["messages"] as Record<string, unknown>[];
    const lines = history.filter((message) => typeof message["body"] === "string" && (message["body"] as string).startsWith("said "));
    assert.deepEqual(lines.map((message) => message["body"]), ["said before the bridge", "said live"]);
    const replayed = lines[0]?.["sent_at"] as number;
    // InspIRCd keeps whole seconds: the second bob said it in.
    assert.ok(replayed >= Math.floor(before / 1000) * 1000 && replayed < before + 1_000, `sent_at ${replayed} is when bob said it (${before})`);
    assert.equal(lines[1]?.["sent_at"], undefined);
  });
});
