/**
 * An IRC channel operator who parts and rejoins within the leave hold (docs/irc.md "Flap damping"), against a
 * real ngIRCd: the damper shows neither the leave nor the join, yet the rejoin cost her her op (a JOIN gives no
 * prefix), so the bridged room must stop showing her as an admin: a role change, not a leave and a join. The
 * hold is long here (30 s), so that the part and the rejoin fall within it however slow the machine.
 */
import assert from "node:assert/strict";
import { ircNetworkYaml } from "../helpers/config-yaml.js";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient } from "../helpers/irc-client.js";
import { startNgircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";

const NETWORK = "rejoinnet";
const ROOM = "native:%23ops";

describe("an IRC operator's quick part and rejoin in a bridged channel", function () {
  let server: IrcServer;
  let daemon: Daemon;
  let olga: IrcTestClient;
  let nina: NativeClient;

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing ngIRCd on a fresh machine may take minutes
    server = await startNgircd();
    // olga opens #ops before the gateway comes: she is its operator.
    olga = await IrcTestClient.connect(server, uniqueUser("olga"));
    await olga.join("#ops");
    const channel = ["channels:", '  - channel: "#ops"', "    room: ops", "membership:", "  leave_hold_seconds: 30"];
    daemon = Daemon.create(["irc:", "  networks:", ...ircNetworkYaml(NETWORK, server.port, "sbops", channel)].join("\n"));
    await daemon.start();
    await olga.waitFor((line) => line.command === "JOIN" && olga.same(line.nick, "sbops"), 15_000, "the gateway's JOIN of #ops");
    nina = await NativeClient.session(daemon.url, uniqueUser("nina"), PASSWORD, { register: true });
  });

  after(async function () {
    await nina?.close();
    await olga?.quit();
    await daemon?.dispose();
    await server?.dispose();
  });

  it("shows her as a member afterwards, as a role change and neither a leave nor a join", async function () {
    const olgaAddress = `irc://${NETWORK}/${olga.nick.toLowerCase()}`;
    const roleIn = (answer: Frame): unknown => (answer["bridged_people"] as Frame[]).find((person) => person["address"] === olgaAddress)?.["role"];
    // The gateway's NAMES of #ops may come after her room.join's answer: then she is shown joining.
    const listed = roleIn(await nina.ok({ type: "room.join", room: "ops" }));
    const first = listed ?? ((await nina.waitForType("room.member", (frame) => frame["room"] === ROOM && frame["event"] === "joined", 10_000))["member"] as Frame)["role"];
    assert.equal(first, "admin", "the channel's operator, as NAMES listed her");

    olga.send("PART #ops :brb");
    await olga.waitFor((line) => line.command === "PART" && olga.same(line.nick, olga.nick), 10_000, "the PART echo");
    await olga.join("#ops");
    const changed = await nina.waitForType("room.member", (frame) => frame["room"] === ROOM && frame["event"] === "role", 10_000);
    assert.deepEqual([(changed["previous"] as Frame)["role"], changed["member"]], ["admin", { address: olgaAddress, nick: olga.nick, role: "member" }]);
    assert.equal(roleIn(await nina.ok({ type: "room.members", room: "ops" })), "member");

    // Her line comes after her rejoin: a leave or a join shown for it would be above it.
    olga.privmsg("#ops", "back");
    await nina.waitForType("message", (frame) => (frame["message"] as Frame)["body"] === "back", 10_000);
    const shown = nina.transcript.filter((frame) => frame.type === "room.member" && (frame["member"] as Frame)["nick"] === olga.nick).map((frame) => frame["event"]);
    assert.deepEqual(shown, listed === undefined ? ["joined", "role"] : ["role"]);
  });
});
