/**
 * The gateway's own IRC nick, against a real ngIRCd: when someone holds the configured nick as the gateway
 * connects, it takes another (the next of irc-registration.ts), and asks for its own again when the holder leaves,
 * as ZNC's keepnick does, so that IRC users find the gateway where the operator said it would be.
 */
import assert from "node:assert/strict";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";
import { IrcTestClient } from "../helpers/irc-client.js";
import { startNgircd, type IrcServer } from "../helpers/irc-servers.js";

describe("the gateway's IRC nick taken at connect, against ngIRCd", function () {
  let server: IrcServer;
  let daemon: Daemon;
  let holder: IrcTestClient;
  let watcher: IrcTestClient;

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing ngIRCd on a fresh machine may take minutes
    server = await startNgircd();
    holder = await IrcTestClient.connect(server, "sbkeep");
    await holder.join("#keep");
    watcher = await IrcTestClient.connect(server, "keepwatch");
    await watcher.join("#keep");
    daemon = Daemon.create(
      ["irc:", "  networks:", "    - name: keepnet", "      host: 127.0.0.1", `      port: ${server.port}`, "      nick: sbkeep", "      channels:", '        - channel: "#keep"', "          room: keep"].join("\n"),
    );
    await daemon.start();
    await daemon.waitForLog(/IRC network online/, 15_000);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-3000));
  });

  after(async function () {
    await watcher?.quit();
    await daemon?.dispose();
    await server?.dispose();
  });

  it("takes its configured nick back as soon as its holder quits, and shows a native member nothing of its own rename", async function () {
    const alice = await NativeClient.session(daemon.url, uniqueUser("keeper"), PASSWORD, { register: true });
    await alice.ok({ type: "room.join", room: "keep" });
    const joined = await watcher.waitFor((line) => line.command === "JOIN" && line.params[0] === "#keep" && line.nick !== "keepwatch" && line.nick !== "sbkeep");
    const stopgap = joined.nick ?? "";
    assert.notEqual(stopgap, "sbkeep");
    await holder.quit("making room");
    const renamed = await watcher.waitFor((line) => line.command === "NICK" && line.nick === stopgap);
    assert.equal(renamed.params[0], "sbkeep");
    await daemon.waitForLog(/has its configured nick again/);
    // After the rename, one more line through the gateway: whatever the rename showed alice came before it.
    watcher.privmsg("#keep", "still here");
    const seen: Array<[unknown, unknown]> = [];
    for (;;) {
      const frame = await alice.waitFor((candidate) => candidate.type === "room.member" || candidate.type === "message");
      if (frame.type === "message") break;
      seen.push([frame["event"], (frame["member"] as Record<string, unknown>)["nick"]]);
    }
    // The holder's leave is held a while (flap damping); the gateway's own rename is nobody's, shown never.
    assert.deepEqual(seen.filter(([, nick]) => nick === stopgap || nick === "sbkeep"), []);
    await alice.close();
  });
});
