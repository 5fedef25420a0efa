/**
 * Nothing counted as delivered before the IRC server has it (issue 5, docs/irc.md "Delivery guarantees"),
 * against real servers: ngIRCd (no echo-message: PING barriers) and InspIRCd (echo-message). The daemon
 * reaches the server through a TcpGate that first swallows what the daemon writes (a link that died without a
 * word: every write succeeds, the server sees nothing) and then drops the connections; when the gate opens
 * again the daemon reconnects, and the IRC reader must see every message once, in order, both the room relay
 * to the channel and the queries from a puppet.
 */
import assert from "node:assert/strict";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient, pingBarrierAfter, type IrcMessage } from "../helpers/irc-client.js";
import { startInspircd, startNgircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient } from "../helpers/native-client.js";
import { TcpGate } from "../helpers/tcp-gate.js";

const NETWORK = "confnet";

for (const [serverName, startServer] of [
  ["ngIRCd", startNgircd],
  ["InspIRCd", startInspircd],
] as const) {
  describe(`IRC delivery confirmation against ${serverName}`, function () {
    let server: IrcServer;
    let gate: TcpGate;
    let daemon: Daemon;
    let reader: IrcTestClient;
    let alice: NativeClient;
    const aliceName = uniqueUser("cf");
    const puppet = `${aliceName}[sb]`.toLowerCase();

    const fromPuppet = (target: string) => (line: IrcMessage) => line.command === "PRIVMSG" && line.nick?.toLowerCase() === puppet && line.params[0]?.toLowerCase() === target.toLowerCase();

    before(async function () {
      this.timeout(11 * 60 * 1000); // installing a server on a fresh machine may take minutes
      server = await startServer();
      gate = await TcpGate.start(server.host, () => server.port);
      reader = await IrcTestClient.connect(server, uniqueUser("rd"));
      await reader.join("#conf");
      daemon = Daemon.create(
        [
          "irc:",
          "  networks:",
          `    - name: ${NETWORK}`,
          "      host: 127.0.0.1",
          `      port: ${gate.port}`,
          "      nick: sbconf",
          "      channels:",
          '        - channel: "#conf"',
          "          room: conf",
          "      flood:",
          "        burst: 40",
          "        lines_per_second: 40",
          "      puppets:",
          "        connect_interval_ms: 0",
        ].join("\n"),
      );
      await daemon.start();
      await daemon.waitForLog(/IRC network online/, 15_000);
      alice = await NativeClient.session(daemon.url, aliceName, PASSWORD, { register: true });
      await alice.ok({ type: "room.join", room: "conf" });
    });

    after(async function () {
      await alice?.close();
      await reader?.quit();
      await daemon?.dispose();
      await gate?.dispose();
      await server?.dispose();
    });

    it("sends again, once and in order, the messages written into a connection that was already dead", async function () {
      this.timeout(90_000);
      await alice.ok({ type: "room.send", room: "conf", body: "before" });
      await alice.ok({ type: "message.send", to: `irc://${NETWORK}/${reader.nick}`, body: "before (query)" });
      await reader.waitFor((line) => fromPuppet(reader.nick)(line) && line.params[1] === "before (query)", 15_000);
      await reader.waitFor((line) => fromPuppet("#conf")(line) && line.params[1] === "before", 15_000);
      if (serverName === "ngIRCd") {
        // Without echo-message a PING barrier after them confirms them: let it pass before the link dies.
        await gate.clientWrote(pingBarrierAfter("before (query)"), "forwarded");
        await gate.clientWrote(pingBarrierAfter("before"), "forwarded");
      }

      gate.swallow();
      const lost = ["void 1", "void 2", "void 3"];
      for (const body of lost) {
        await alice.ok({ type: "room.send", room: "conf", body });
        await alice.ok({ type: "message.send", to: `irc://${NETWORK}/${reader.nick}`, body: `${body} (query)` });
      }
      // The daemon wrote every line, and the network took them: they vanished on the way.
      await gate.clientWrote(/void 3 \(query\)/, "swallowed");
      gate.close();
      await daemon.waitForLog(/IRC connection lost/);
      gate.reopen();
      await daemon.waitForLog(/IRC network online[\s\S]*IRC network online/, 30_000);
      await alice.ok({ type: "room.send", room: "conf", body: "after" });

      await reader.waitFor((line) => fromPuppet("#conf")(line) && line.params[1] === "after", 30_000, "the message sent after the reconnect");
      await reader.waitFor((line) => fromPuppet(reader.nick)(line) && line.params[1] === "void 3 (query)", 10_000, "the last query");
      const inChannel = reader.transcript.filter(fromPuppet("#conf")).map((line) => line.params[1]);
      const inQuery = reader.transcript.filter(fromPuppet(reader.nick)).map((line) => line.params[1]);
      assert.deepEqual(inChannel, ["before", ...lost, "after"], "every room message once, in order");
      assert.deepEqual(inQuery, ["before (query)", ...lost.map((body) => `${body} (query)`)], "every query once, in order");
    });
  });
}
