/**
 * Nothing counted as delivered before the IRC server has it (issue 5, docs/irc.md "Delivery guarantees"),
 * against real servers: ngIRCd (no echo-message: PING barriers) and InspIRCd (echo-message). The daemon
 * reaches the server through a TcpGate that first swallows what the daemon writes (a link that died without a
 * word: every write succeeds, the server sees nothing) and then drops the connections; when the gate opens
 * again the daemon reconnects, and the IRC reader must see every message once, in order, both the room relay
 * to the channel and the queries from a puppet.
 */
import assert from "node:assert/strict";
import { GatedIrcBridge } from "../helpers/gated-irc-bridge.js";
import { startInspircd, startNgircd } from "../helpers/irc-servers.js";

const NETWORK = "confnet";

for (const [serverName, startServer] of [
  ["ngIRCd", startNgircd],
  ["InspIRCd", startInspircd],
] as const) {
  describe(`IRC delivery confirmation against ${serverName}`, function () {
    let bridge: GatedIrcBridge;

    before(async function () {
      this.timeout(11 * 60 * 1000); // installing a server on a fresh machine may take minutes
      bridge = await GatedIrcBridge.start(await startServer(), {
        network: NETWORK,
        nick: "sbconf",
        channel: "#conf",
        networkYaml: ["flood:", "  burst: 40", "  lines_per_second: 40"],
      });
    });

    after(async function () {
      await bridge?.dispose();
    });

    it("sends again, once and in order, the messages written into a connection that was already dead", async function () {
      this.timeout(90_000);
      const { alice, reader, gate } = bridge;
      const query = `irc://${NETWORK}/${reader.nick}`;
      await alice.ok({ type: "room.send", room: "conf", body: "before" });
      await alice.ok({ type: "message.send", to: query, body: "before (query)" });
      await reader.waitFor((line) => bridge.fromPuppet(reader.nick)(line) && line.params[1] === "before (query)", 15_000);
      await reader.waitFor((line) => bridge.fromPuppet("#conf")(line) && line.params[1] === "before", 15_000);
      await bridge.confirmed(["before", "before (query)"], serverName === "ngIRCd");

      gate.swallow();
      const lost = ["void 1", "void 2", "void 3"];
      for (const body of lost) {
        await alice.ok({ type: "room.send", room: "conf", body });
        await alice.ok({ type: "message.send", to: query, body: `${body} (query)` });
      }
      // The daemon wrote every line, and the network took them: they vanish on the way.
      await bridge.cutAfter(/void 3 \(query\)/);
      await bridge.reconnect();
      await alice.ok({ type: "room.send", room: "conf", body: "after" });

      await reader.waitFor((line) => bridge.fromPuppet("#conf")(line) && line.params[1] === "after", 30_000, "the message sent after the reconnect");
      await reader.waitFor((line) => bridge.fromPuppet(reader.nick)(line) && line.params[1] === "void 3 (query)", 10_000, "the last query");
      const inChannel = reader.transcript.filter(bridge.fromPuppet("#conf")).map((line) => line.params[1]);
      const inQuery = reader.transcript.filter(bridge.fromPuppet(reader.nick)).map((line) => line.params[1]);
      assert.deepEqual(inChannel, ["before", ...lost, "after"], "every room message once, in order");
      assert.deepEqual(inQuery, ["before (query)", ...lost.map((body) => `${body} (query)`)], "every query once, in order");
    });
  });
}
