/**
 * Proves the real-IRC-server fixtures that the IRC adapter's integration tests stand on, for ngIRCd and
 * InspIRCd alike: registration, a channel, exact UTF-8 text, a burst that no flood limit slows or cuts, many
 * connections from one IP, TLS with a server password and an operator, a restart and a crash on the same port,
 * and clean-up; for InspIRCd also MONITOR and away-notify. Set SWITCHBOARD_TEST_VERBOSE=1 to print each server's
 * RPL_ISUPPORT (005) and CAP LS lines.
 *
 * InspIRCd holds every registration about one second (shared SERVERS.md), so its connections are few and,
 * where there are many, made in parallel.
 */
import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import { IrcTestClient, type IrcConnectOptions, type IrcMessage } from "../helpers/irc-client.js";
import { startInspircd, startNgircd, type IrcServer, type IrcServerKind, type IrcServerOptions } from "../helpers/irc-servers.js";
import { within } from "../helpers/within.js";

const TEXT = "Grüße, 世界 👋🏽 <&> \"quotes\" :colon; tab\there";
const BURST = 300;
const CROWD = 30;
/** Installing a Debian package on a fresh root machine may take minutes; start-up itself is bounded. */
const INSTALL_TIMEOUT_MS = 11 * 60 * 1000;
const verbose = process.env["SWITCHBOARD_TEST_VERBOSE"] === "1";

const fixtures: ReadonlyArray<{ kind: IrcServerKind; title: string; start: (options?: IrcServerOptions) => Promise<IrcServer> }> = [
  { kind: "ngircd", title: "ngIRCd", start: startNgircd },
  { kind: "inspircd", title: "InspIRCd", start: startInspircd },
];

/** A PRIVMSG from `nick` to `target`. */
function privmsgFrom(client: IrcTestClient, nick: string, target: string): (line: IrcMessage) => boolean {
  return (line) => line.command === "PRIVMSG" && client.same(line.nick, nick) && client.same(line.params[0], target);
}

for (const { kind, title, start } of fixtures) {
  describe(`the ${title} test fixture`, function () {
    let server: IrcServer;
    const clients: IrcTestClient[] = [];

    async function connect(nick: string, options: IrcConnectOptions = {}, on: IrcServer = server): Promise<IrcTestClient> {
      const client = await IrcTestClient.connect(on, nick, options);
      clients.push(client);
      return client;
    }

    before(async function () {
      this.timeout(INSTALL_TIMEOUT_MS);
      server = await start();
    });

    afterEach(async function () {
      await Promise.all(clients.splice(0).map((client) => client.quit()));
      if (this.currentTest?.state === "failed") console.log(server.log().slice(-4000));
    });

    after(async function () {
      const dir = server?.dir;
      await server?.dispose();
      if (dir) assert.equal(existsSync(dir), false, "dispose removes the temporary directory");
    });

    it("listens on a free loopback port of its own with its config under a temporary directory", function () {
      assert.equal(server.host, "127.0.0.1");
      assert.equal(server.kind, kind);
      assert.notEqual(server.port, 6667);
      assert.equal(server.tlsPort, undefined);
      assert.equal(server.name, `irc.${kind}.test`);
      assert.ok(existsSync(server.dir));
      assert.ok(server.running);
    });

    it("registers clients with CAP negotiation and announces its ISUPPORT tokens", async function () {
      const alice = await connect("alice", { caps: ["multi-prefix"] });
      assert.equal(alice.nick, "alice");
      assert.ok(alice.caps.has("multi-prefix"));
      assert.equal(alice.isupport.get("NETWORK"), "SwitchboardTest");
      assert.ok(Number(alice.isupport.get("NICKLEN")) >= 30, `NICKLEN=${alice.isupport.get("NICKLEN") ?? "?"}`);
      assert.ok(alice.isupport.get("CHANTYPES")?.includes("#"));
      const welcome = alice.transcript.find((line) => line.command === "001");
      assert.equal(welcome?.prefix, server.name);
      if (verbose) {
        const shown = alice.transcript.filter((line) => line.command === "005" || (line.command === "CAP" && line.params[1] === "LS"));
        console.log(`${title}:\n${shown.map((line) => `  ${line.raw}`).join("\n")}`);
      }
    });

    it("carries a PRIVMSG with UTF-8 and emoji exactly to the other member of a channel", async function () {
      const [alice, bob] = await Promise.all([connect("alice"), connect("bob")]);
      const members = await alice.join("#fixture");
      assert.ok(members.some((name) => name.replace(/^[~&@%+]+/, "") === "alice"), `NAMES: ${members.join(" ")}`);
      await bob.join("#fixture");
      await alice.waitFor((line) => line.command === "JOIN" && alice.same(line.nick, "bob"), 3000, "bob's JOIN");

      alice.privmsg("#fixture", TEXT);
      const atBob = await bob.waitFor(privmsgFrom(bob, "alice", "#fixture"), 3000, "alice's message");
      assert.equal(atBob.params[1], TEXT);

      bob.privmsg("alice", `re: ${TEXT}`);
      const atAlice = await alice.waitFor(privmsgFrom(alice, "bob", "alice"), 3000, "bob's private reply");
      assert.equal(atAlice.params[1], `re: ${TEXT}`);
      assert.deepEqual(alice.errors, []);
    });

    it(`relays a burst of ${BURST} lines complete and in order, with no flood limit in the way`, async function () {
      const [alice, bob] = await Promise.all([connect("burster"), connect("listener")]);
      await alice.join("#burst");
      await bob.join("#burst");
      const sent = Array.from({ length: BURST }, (_, index) => `burst line ${String(index + 1).padStart(3, "0")} ✓`);
      const started = Date.now();
      for (const text of sent) alice.privmsg("#burst", text);
      const received = await bob.waitForCount(privmsgFrom(bob, "burster", "#burst"), BURST, 10_000, `the ${BURST} burst lines`);
      const elapsedMs = Date.now() - started;
      assert.deepEqual(
        received.map((line) => line.params[1]),
        sent,
      );
      assert.ok(elapsedMs < 3000, `${BURST} lines took ${elapsedMs} ms`);
      assert.equal(alice.closed, false, "the sender was not disconnected for flooding");
    });

    it(`keeps ${CROWD} registered connections from 127.0.0.1 open at once`, async function () {
      // ngIRCd's listen backlog of 10 overflows with 30 connects at once (see connectMany): eight at a time.
      // InspIRCd listens with a backlog of 1024 but holds each registration a second: all at once.
      const nicks = Array.from({ length: CROWD }, (_, index) => `crowd${String(index + 1).padStart(2, "0")}`);
      const crowd = await IrcTestClient.connectMany(server, nicks, {}, kind === "ngircd" ? 8 : CROWD);
      clients.push(...crowd);
      assert.deepEqual(
        crowd.map((client) => client.nick),
        nicks,
      );
      const last = crowd.at(-1) as IrcTestClient;
      last.send("LUSERS");
      const local = await last.waitFor((line) => line.command === "265", 3000, "RPL_LOCALUSERS (265)");
      assert.ok(crowd.every((client) => !client.closed), local.raw);
    });

    if (kind === "inspircd") {
      it("reports a monitored nick online and offline (MONITOR) and relays AWAY to a channel peer (away-notify)", async function () {
        const watcher = await connect("watcher", { caps: ["away-notify"] });
        assert.ok(watcher.caps.has("away-notify"));
        assert.equal(watcher.isupport.get("MONITOR"), "1000");
        watcher.send("MONITOR + walker");
        const offline = await watcher.waitFor((line) => line.command === "731", 3000, "RPL_MONOFFLINE (731) at once");
        assert.equal(offline.params[1], "walker");

        const walker = await connect("walker");
        const online = await watcher.waitFor((line) => line.command === "730", 3000, "RPL_MONONLINE (730) when walker registers");
        // InspIRCd 3.15 names a nick that just registered by nick alone, not nick!user@host as the spec suggests.
        assert.deepEqual(
          (online.params[1] ?? "").split(",").map((target) => target.split("!")[0]),
          ["walker"],
        );

        await watcher.join("#away");
        await walker.join("#away");
        walker.send("AWAY :out for lunch 🍜");
        const away = await watcher.waitFor((line) => line.command === "AWAY" && watcher.same(line.nick, "walker"), 3000, "walker's AWAY");
        assert.deepEqual(away.params, ["out for lunch 🍜"]);
        walker.send("AWAY");
        const back = await watcher.waitFor((line) => line.command === "AWAY" && watcher.same(line.nick, "walker"), 3000, "walker's return");
        assert.deepEqual(back.params, []);

        await walker.quit();
        const gone = await watcher.waitFor((line) => line.command === "731", 3000, "RPL_MONOFFLINE (731) when walker quits");
        assert.equal(gone.params[1], "walker");
      });
    }

    it("restarts on the same port, and starts again after a crash, with clients able to register each time", async function () {
      this.timeout(30_000);
      const port = server.port;
      const before = await connect("before");
      await server.restart();
      assert.equal(server.port, port);
      await within(before.whenClosed(), "the server to close the connection on SIGTERM", 3000);
      assert.ok(before.transcript.some((line) => line.command === "ERROR"), "a stopping server says goodbye with ERROR");
      const after = await connect("after");
      assert.equal(after.nick, "after");

      await server.kill();
      assert.equal(server.running, false);
      await within(after.whenClosed(), "the connection to drop when the server is killed", 3000);
      assert.equal(after.transcript.some((line) => line.command === "ERROR"), false, "a crash sends no ERROR");
      await server.start();
      const again = await connect("again");
      assert.equal(again.nick, "again");
      assert.equal(server.port, port);
    });
  });

  describe(`the ${title} test fixture with TLS, a server password and an operator`, function () {
    let server: IrcServer;
    const clients: IrcTestClient[] = [];

    before(async function () {
      this.timeout(INSTALL_TIMEOUT_MS);
      server = await start({ tls: true, serverPassword: "s3cret pass", operators: [{ name: "root", password: "oper-pw" }] });
    });

    afterEach(async function () {
      await Promise.all(clients.splice(0).map((client) => client.quit()));
      if (this.currentTest?.state === "failed") console.log(server.log().slice(-4000));
    });

    after(async function () {
      await server?.dispose();
    });

    it("accepts a TLS client with the password, verified against its certificate, and makes it an operator", async function () {
      assert.ok(server.tlsPort !== undefined && server.tlsPort !== server.port);
      assert.match(server.certificatePem ?? "", /^-----BEGIN CERTIFICATE-----/);
      const [secure, refused] = await Promise.all([
        IrcTestClient.connect(server, "secure", { tls: true, password: "s3cret pass" }),
        IrcTestClient.connect(server, "nopass").then(
          (client) => client,
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        ),
      ]);
      clients.push(secure);
      if (refused instanceof IrcTestClient) {
        clients.push(refused);
        assert.fail("a client without the server password registered");
      }
      assert.match(refused.message, /464|ERROR|closed/);
      secure.send("OPER root oper-pw");
      await secure.waitFor((line) => line.command === "381", 3000, "RPL_YOUREOPER (381)");
    });
  });
}
