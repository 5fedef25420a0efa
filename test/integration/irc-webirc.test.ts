/**
 * WEBIRC (irc.networks[].webirc) against real servers, ngIRCd 26 and InspIRCd 3 (module cgiirc), each with a
 * WEBIRC password: a native user's puppet connects with a host and IP of its own, derived from the person, which an
 * IRC user sees in WHOIS instead of the gateway's 127.0.0.1; two people get two hosts and two user names; one
 * person gets the same host after the gateway restarts. A gateway with the wrong password logs the refusal once,
 * naming the config key, and keeps running. Without WEBIRC, each puppet still has a user name of its own.
 */
import assert from "node:assert/strict";
import { ircNetworkYaml } from "../helpers/config-yaml.js";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient, type IrcMessage } from "../helpers/irc-client.js";
import { startInspircd, startNgircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient } from "../helpers/native-client.js";

const INSTALL_TIMEOUT_MS = 11 * 60 * 1000;
const WEBIRC_PASSWORD = "webirc-secret";
const SUFFIX = "users.sb.example";
const PREFIX = "fd00:5b::/64";

function webircYaml(channel: string, room: string): string[] {
  return [
    "webirc:",
    "  password: ${SB_WEBIRC_PASSWORD}",
    `  ipv6_prefix: "${PREFIX}"`,
    `  host_suffix: ${SUFFIX}`,
    "channels:",
    `  - channel: "${channel}"`,
    `    room: ${room}`,
  ];
}

for (const kind of ["ngircd", "inspircd"] as const) {
  describe(`WEBIRC for puppets (${kind})`, function () {
    this.timeout(60_000);
    let server: IrcServer;
    let daemon: Daemon;
    let watcher: IrcTestClient;
    const closers: Array<() => Promise<unknown>> = [];
    const channel = `#web${kind}`;

    before(async function () {
      this.timeout(INSTALL_TIMEOUT_MS);
      server = await (kind === "ngircd" ? startNgircd : startInspircd)({ webircPassword: WEBIRC_PASSWORD });
      daemon = Daemon.create(["irc:", "  networks:", ...ircNetworkYaml("webnet", server.port, "sbweb", webircYaml(channel, "web"))].join("\n"));
      await daemon.start({ SB_WEBIRC_PASSWORD: WEBIRC_PASSWORD });
      await daemon.waitForLog(/IRC network online/, 15_000);
      watcher = await IrcTestClient.connect(server, `webw${kind.slice(0, 3)}`, { timeoutMs: 10_000 });
      closers.push(() => watcher.quit());
      await watcher.join(channel);
    });

    afterEach(function () {
      if (this.currentTest?.state === "failed") console.log(`--- daemon ---\n${daemon?.log.slice(-5000) ?? ""}`);
    });

    after(async function () {
      for (const close of closers.reverse()) await close().catch(() => undefined);
      await daemon?.dispose();
      await server?.dispose();
    });

    /** Says `body` in the room as `name` (a new session) and resolves with the nick that said it in the channel. */
    async function say(name: string, body: string, register: boolean): Promise<string> {
      const client = await NativeClient.session(daemon.url, name, PASSWORD, { register });
      closers.push(() => client.close());
      await client.ok({ type: "room.join", room: "web" });
      await client.ok({ type: "room.send", room: "web", body });
      const line = await watcher.waitFor((candidate) => candidate.command === "PRIVMSG" && candidate.params[1] === body, 15_000, `"${body}" in ${channel}`);
      return line.nick ?? assert.fail("a PRIVMSG without a nick");
    }

    /** RPL_WHOISUSER (311) of `nick`: params [me, nick, user, host, "*", realname]. */
    async function whois(nick: string): Promise<{ user: string; host: string }> {
      watcher.send(`WHOIS ${nick}`);
      const reply: IrcMessage = await watcher.waitFor((line) => line.command === "311" && line.params[1]?.toLowerCase() === nick.toLowerCase(), 10_000, `WHOIS ${nick}`);
      return { user: (reply.params[2] ?? "").replace(/^~/, ""), host: reply.params[3] ?? "" };
    }

    /** A host WEBIRC gave: the derived name, or (ngIRCd without DNS) the derived IP. */
    const derived = (host: string): boolean => host.endsWith(`.${SUFFIX}`) || /^fd00:5b:0:0:|^fd00:5b::/.test(host);

    it("shows each person's puppet under a host and user name of its own, and the same host after a restart", async () => {
      const alice = uniqueUser("walice");
      const bob = uniqueUser("wbob");
      const aliceNick = await say(alice, "hello from alice", true);
      const bobNick = await say(bob, "hello from bob", true);
      const aliceSeen = await whois(aliceNick);
      const bobSeen = await whois(bobNick);
      assert.ok(derived(aliceSeen.host), `alice's host ${aliceSeen.host}`);
      assert.ok(derived(bobSeen.host), `bob's host ${bobSeen.host}`);
      assert.ok(!/127\.0\.0\.1|localhost/.test(aliceSeen.host + bobSeen.host));
      assert.notEqual(aliceSeen.host, bobSeen.host);
      // ngIRCd takes WEBIRC's second word (the gateway name) as every puppet's user name (docs/irc.md).
      if (kind === "inspircd") assert.notEqual(aliceSeen.user, bobSeen.user);

      await daemon.stop();
      await watcher.waitFor((line) => line.command === "QUIT" && line.nick === aliceNick, 15_000, `${aliceNick} quits`);
      await daemon.start();
      await daemon.waitForLog(/IRC network online/, 15_000);
      const againNick = await say(alice, "alice again", false);
      assert.deepEqual(await whois(againNick), aliceSeen);
    });
  });
}

describe("puppets' user names without WEBIRC (ngIRCd)", function () {
  this.timeout(60_000);
  let server: IrcServer;
  let daemon: Daemon;
  let watcher: IrcTestClient;
  const closers: Array<() => Promise<unknown>> = [];

  before(async function () {
    this.timeout(INSTALL_TIMEOUT_MS);
    server = await startNgircd();
    daemon = Daemon.create(["irc:", "  networks:", ...ircNetworkYaml("plainnet", server.port, "sbplain", ["channels:", '  - channel: "#plain"', "    room: plain"])].join("\n"));
    await daemon.start();
    await daemon.waitForLog(/IRC network online/, 15_000);
    watcher = await IrcTestClient.connect(server, "plainw", { timeoutMs: 10_000 });
    closers.push(() => watcher.quit());
    await watcher.join("#plain");
  });

  after(async function () {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await daemon?.dispose();
    await server?.dispose();
  });

  it("gives each person's puppet a user name of its own, so that *!user@* bans one person", async () => {
    const seen: string[] = [];
    for (const name of [uniqueUser("palice"), uniqueUser("pbob")]) {
      const client = await NativeClient.session(daemon.url, name, PASSWORD, { register: true });
      closers.push(() => client.close());
      await client.ok({ type: "room.join", room: "plain" });
      await client.ok({ type: "room.send", room: "plain", body: `hi from ${name}` });
      const line = await watcher.waitFor((candidate) => candidate.command === "PRIVMSG" && candidate.params[1] === `hi from ${name}`, 15_000, `${name}'s line`);
      seen.push(/!~?([^@]+)@/.exec(line.prefix ?? "")?.[1] ?? "");
    }
    assert.match(seen[0] ?? "", /^pal[a-z0-9]+$/);
    assert.ok((seen[0]?.length ?? 0) <= 10);
    assert.notEqual(seen[0], seen[1]);
  });
});

for (const kind of ["ngircd", "inspircd"] as const) {
  describe(`a WEBIRC password the server refuses (${kind})`, function () {
    this.timeout(60_000);
    let server: IrcServer;
    let daemon: Daemon;
    const closers: Array<() => Promise<unknown>> = [];

    before(async function () {
      this.timeout(INSTALL_TIMEOUT_MS);
      server = await (kind === "ngircd" ? startNgircd : startInspircd)({ webircPassword: WEBIRC_PASSWORD });
      daemon = Daemon.create(["log:", "  level: debug", "irc:", "  networks:", ...ircNetworkYaml("badweb", server.port, "sbbad", webircYaml("#badweb", "badweb"))].join("\n"));
      await daemon.start({ SB_WEBIRC_PASSWORD: "not-the-password" });
      await daemon.waitForLog(/IRC network online/, 15_000);
    });

    afterEach(function () {
      if (this.currentTest?.state === "failed") console.log(`--- daemon ---\n${daemon?.log.slice(-5000) ?? ""}`);
    });

    after(async function () {
      for (const close of closers.reverse()) await close().catch(() => undefined);
      await daemon?.dispose();
      await server?.dispose();
    });

    it("logs the refusal once, naming irc.networks[].webirc, and keeps running", async () => {
      const client = await NativeClient.session(daemon.url, uniqueUser("wcarol"), PASSWORD, { register: true });
      closers.push(() => client.close());
      await client.ok({ type: "room.join", room: "badweb" });
      await client.ok({ type: "room.send", room: "badweb", body: "first" });
      await daemon.waitForLog(/refuses the gateway's WEBIRC.*irc\.networks\[\]\.webirc|irc\.networks\[\]\.webirc.*refuses the gateway's WEBIRC/, 15_000);
      await client.ok({ type: "room.send", room: "badweb", body: "second" });
      await daemon.waitForLog(/WEBIRC refused again/, 15_000);
      assert.equal(daemon.log.match(/refuses the gateway's WEBIRC/g)?.length, 1);
      assert.ok(daemon.pid !== undefined);
      await client.ok({ type: "room.join", room: "badweb" });
    });
  });
}
