/**
 * Puppets with nicks that look like anyone's (`nick_template: "{name}"`), against a real ngIRCd: every nick fits
 * such a template, so the gateway must not take IRC people for puppets (it did, and relayed nobody's lines); its
 * own puppets are still known by their nicks, so their lines are not relayed back, and an IRC user who has the
 * nick a person's puppet had is someone to write to once that puppet is gone.
 */
import assert from "node:assert/strict";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";
import { IrcTestClient } from "../helpers/irc-client.js";
import { startNgircd, type IrcServer } from "../helpers/irc-servers.js";

describe("a puppet nick template without text of its own, against ngIRCd", function () {
  let server: IrcServer;
  let daemon: Daemon;
  let carol: IrcTestClient;

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing ngIRCd on a fresh machine may take minutes
    server = await startNgircd();
    carol = await IrcTestClient.connect(server, uniqueUser("carol"));
    await carol.join("#plain");
    daemon = Daemon.create(
      [
        "irc:",
        "  networks:",
        "    - name: plainnet",
        "      host: 127.0.0.1",
        `      port: ${server.port}`,
        "      nick: sbplain",
        "      channels:",
        '        - channel: "#plain"',
        "          room: plain",
        "      puppets:",
        '        nick_template: "{name}"',
        "        connect_interval_ms: 0",
      ].join("\n"),
    );
    await daemon.start();
    await daemon.waitForLog(/IRC network online/, 15_000);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-3000));
  });

  after(async function () {
    await carol?.quit();
    await daemon?.dispose();
    await server?.dispose();
  });

  it("relays IRC people's lines, speaks through a puppet named as its person, does not relay that puppet back, and reaches its namesake", async function () {
    const aliceName = uniqueUser("al");
    const alice = await NativeClient.session(daemon.url, aliceName, PASSWORD, { register: true });
    await alice.ok({ type: "room.join", room: "plain" });
    assert.match(daemon.log, /nick_template has no text besides its placeholders/);

    await alice.ok({ type: "room.send", room: "plain", body: "hello from native" });
    const line = await carol.waitFor((candidate) => candidate.command === "PRIVMSG" && candidate.params[0] === "#plain", 10_000, "alice's puppet speaking");
    assert.deepEqual([line.nick, line.params[1]], [aliceName, "hello from native"]);

    carol.privmsg("#plain", "hello from IRC");
    // The first message alice is given is carol's: her own line did not come back to her from IRC.
    const relayed = (await alice.waitForType("message"))["message"] as Record<string, unknown>;
    assert.deepEqual([relayed["from"], relayed["body"]], [`irc://plainnet/${carol.nick.toLowerCase()}`, "hello from IRC"]);

    // alice goes offline, and her puppet with her. Her name stays hers on the network, but with puppets named as
    // people are, the IRC user who takes the nick now is someone to write to, not the gateway's own.
    await alice.close();
    await carol.waitFor((line) => line.command === "QUIT" && line.nick === aliceName, 10_000, "alice's puppet quitting");
    const namesake = await IrcTestClient.connect(server, aliceName);
    try {
      const dave = await NativeClient.session(daemon.url, uniqueUser("dave"), PASSWORD, { register: true });
      await dave.ok({ type: "message.send", to: `irc://plainnet/${aliceName}`, body: "are you the IRC one?" });
      const query = await namesake.waitFor((line) => line.command === "PRIVMSG" && line.params[0] === aliceName, 10_000, "dave's query");
      assert.equal(query.params[1], "are you the IRC one?");
      await dave.close();
    } finally {
      await namesake.quit();
    }
  });
});
