/**
 * Channel history replayed at a join is not relayed, against a real InspIRCd: a channel with history
 * (m_chanhistory, mode +H) replays its last lines to every client that joins it, the gateway too, at its first join,
 * after a reconnect and after a restart. Those lines were said before the gateway was there (or reached the rooms
 * live when it was): none of them, nor the server's "Replaying up to N lines" NOTICE, reaches the bridged room,
 * while live lines do, once and in order, without a `sent_at`. Two servers: one with IRCv3 batch, where the replay
 * comes in a `chathistory` batch, and one without, where only server-time (earlier than the gateway's JOIN echo)
 * and the server's NOTICE tell it.
 */
import assert from "node:assert/strict";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient } from "../helpers/irc-client.js";
import { startInspircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient } from "../helpers/native-client.js";
import { TcpGate } from "../helpers/tcp-gate.js";

const VARIANTS = [
  { name: "with IRCv3 batch (a chathistory batch)", withoutModules: [], replaySign: /BATCH \+\S+ chathistory :?#hist/ },
  { name: "without batch (server-time and the server's NOTICE)", withoutModules: ["ircv3_batch", "ircv3_labeledresponse"], replaySign: /NOTICE #hist :Replaying up to 10 lines/ },
] as const;

for (const variant of VARIANTS) {
  describe(`channel history replayed at the gateway's join, InspIRCd ${variant.name}`, function () {
    let server: IrcServer;
    let gate: TcpGate | undefined;
    let daemon: Daemon | undefined;
    let bob: IrcTestClient | undefined;
    let alice: NativeClient | undefined;

    before(async function () {
      this.timeout(11 * 60 * 1000); // installing InspIRCd on a fresh machine may take minutes
      server = await startInspircd({ extraModules: ["chanhistory"], withoutModules: variant.withoutModules });
    });

    afterEach(function () {
      if (this.currentTest?.state === "failed") console.log(daemon?.log.slice(-4000));
    });

    after(async function () {
      await alice?.close();
      await bob?.quit();
      await daemon?.dispose();
      await gate?.dispose();
      await server?.dispose();
    });

    /** The lines of the room's history said in this test, oldest first. */
    async function roomLines(client: NativeClient): Promise<Record<string, unknown>[]> {
      const history = (await client.ok({ type: "history", room: "hist" }))["messages"] as Record<string, unknown>[];
      return history.filter((message) => typeof message["body"] === "string" && /^(old|live) |Replaying/.test(message["body"] as string));
    }

    async function liveLine(client: NativeClient, body: string): Promise<void> {
      bob?.privmsg("#hist", body);
      await client.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === body, 10_000);
    }

    it("relays no line said before its join, at the first join, after a reconnect and after a restart; live lines once, in order", async function () {
      this.timeout(120_000);
      gate = await TcpGate.start(server.host, () => server.port);
      bob = await IrcTestClient.connect(server, uniqueUser("bob"));
      await bob.join("#hist");
      bob.send("MODE #hist +H 10:1d");
      await bob.waitFor((line) => line.command === "MODE" && line.params.includes("+H"), 10_000, "the history mode set");
      bob.privmsg("#hist", "old line");
      bob.privmsg("#hist", "\u0001ACTION old action\u0001");
      bob.send("NOTICE #hist :old notice");

      daemon = Daemon.create(["irc:", "  networks:", "    - name: histnet", "      host: 127.0.0.1", `      port: ${gate.port}`, "      nick: sbgate", "      channels:", '        - channel: "#hist"', "          room: hist"].join("\n"));
      await daemon.start();
      await bob.waitFor((line) => line.command === "JOIN" && line.nick === "sbgate", 20_000, "the gateway's join");
      // The server did replay the history to the gateway, as this variant says it does.
      await gate.serverWrote(variant.replaySign);
      const name = uniqueUser("al");
      alice = await NativeClient.session(daemon.url, name, PASSWORD, { register: true });
      await alice.ok({ type: "room.join", room: "hist" });
      await liveLine(alice, "live 1");
      const first = await roomLines(alice);
      assert.deepEqual(first.map((message) => message["body"]), ["live 1"], "nothing said before the join");
      assert.equal(first[0]?.["sent_at"], undefined, "a live line carries no sent_at");

      // Cut off and back: the gateway joins again, and the server replays "live 1" too.
      gate.close();
      await daemon.waitForLog(/IRC connection lost/);
      gate.reopen();
      await bob.waitFor((line) => line.command === "JOIN" && line.nick === "sbgate", 30_000, "the gateway's join after the reconnect");
      await gate.serverWrote(variant.replaySign);
      await liveLine(alice, "live 2");
      assert.deepEqual((await roomLines(alice)).map((message) => message["body"]), ["live 1", "live 2"], "nothing replayed after the reconnect");

      await alice.close();
      await daemon.restart();
      await bob.waitFor((line) => line.command === "JOIN" && line.nick === "sbgate", 30_000, "the gateway's join after the restart");
      alice = await NativeClient.session(daemon.url, name, PASSWORD);
      await liveLine(alice, "live 3");
      assert.deepEqual((await roomLines(alice)).map((message) => message["body"]), ["live 1", "live 2", "live 3"], "nothing replayed after the restart");
    });
  });
}
