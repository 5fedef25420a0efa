/**
 * A puppet the server renames without being asked, against a real InspIRCd whose operator renames it with SANICK
 * (as services enforcing a registered nick, or a collision, would): the puppet quits rather than stay under a nick
 * nobody holds, the room is shown no stranger for it, and the person's next line, sent after the rename, goes out
 * after the reconnect under the person's nick, where queries reach them again.
 */
import assert from "node:assert/strict";
import { ircNetworkYaml } from "../helpers/config-yaml.js";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient } from "../helpers/irc-client.js";
import { startInspircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient } from "../helpers/native-client.js";

const OPERATOR = { name: "root", password: "oper-pw" };

describe("an IRC puppet renamed by the server unasked (InspIRCd SANICK)", function () {
  this.timeout(60_000);
  let server: IrcServer;
  let daemon: Daemon;
  let oper: IrcTestClient;
  const closers: Array<() => Promise<unknown>> = [];

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing InspIRCd on a fresh machine may take minutes
    server = await startInspircd({ operators: [OPERATOR], extraModules: ["sanick"] });
    daemon = Daemon.create(["irc:", "  networks:", ...ircNetworkYaml("rennet", server.port, "sbren", ["presence_poll_seconds: 3600", "channels:", '  - channel: "#rn"', "    room: rn"])].join("\n"));
    await daemon.start();
    await daemon.waitForLog(/IRC network online/, 15_000);
    oper = await IrcTestClient.connect(server, "rnoper", { timeoutMs: 10_000 });
    closers.push(() => oper.quit());
    oper.send(`OPER ${OPERATOR.name} ${OPERATOR.password}`);
    await oper.waitFor((line) => line.command === "381", 10_000, "RPL_YOUREOPER (381)");
    await oper.join("#rn");
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(`--- daemon ---\n${daemon?.log.slice(-5000) ?? ""}`);
  });

  after(async function () {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await daemon?.dispose();
    await server?.dispose();
  });

  it("quits the renamed puppet, shows the room no stranger, and says the next line under the person's nick after the reconnect", async () => {
    const name = uniqueUser("ali");
    const puppetNick = `${name}[sb]`;
    const alice = await NativeClient.session(daemon.url, name, PASSWORD, { register: true });
    closers.push(() => alice.close());
    await alice.ok({ type: "room.join", room: "rn" });
    await alice.ok({ type: "room.send", room: "rn", body: "before the rename" });
    const before = await oper.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "before the rename", 15_000, "alice's first line");
    assert.ok(oper.same(before.nick, puppetNick), `said by ${puppetNick}, not ${String(before.nick)}`);

    const forced = uniqueUser("rnGuest");
    oper.send(`SANICK ${puppetNick} ${forced}`);
    await oper.waitFor((line) => line.command === "NICK" && oper.same(line.nick, puppetNick) && oper.same(line.params[0], forced), 10_000, "the forced rename");
    const quit = await oper.waitFor((line) => line.command === "QUIT" && oper.same(line.nick, forced), 10_000, `${forced} quitting`);
    assert.match(quit.params[0] ?? "", /renamed by the server/);

    // Sent between the rename and any reconnect: the person's next puppet says it, under their nick.
    await alice.ok({ type: "room.send", room: "rn", body: "after the rename" });
    const after = await oper.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "after the rename", 15_000, "alice's line after the rename");
    assert.ok(oper.same(after.nick, puppetNick), `said by ${puppetNick} again, not ${String(after.nick)}`);
    assert.deepEqual(
      oper.take((line) => line.command === "PRIVMSG" && oper.same(line.nick, forced)),
      [],
      "nothing said under the forced nick",
    );

    oper.privmsg(puppetNick, "a query after the reconnect");
    const query = await alice.waitFor((frame) => frame.type === "message" && (frame["message"] as Record<string, unknown>)["body"] === "a query after the reconnect", 10_000);
    assert.equal((query["message"] as Record<string, unknown>)["from"], "irc://rennet/rnoper");

    // Whatever the rename showed alice came before the operator's line: the forced nick is nobody who joined.
    oper.privmsg("#rn", "a line after it all");
    const shown: unknown[] = [];
    for (;;) {
      const frame = await alice.waitFor((candidate) => candidate.type === "room.member" || (candidate.type === "message" && (candidate["message"] as Record<string, unknown>)["body"] === "a line after it all"));
      if (frame.type === "message") break;
      shown.push((frame["member"] as Record<string, unknown>)["nick"]);
    }
    assert.deepEqual(
      shown.filter((nick) => typeof nick === "string" && oper.same(nick, forced)),
      [],
    );
  });
});
