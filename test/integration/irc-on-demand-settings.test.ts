/**
 * A person's settings on an IRC server on demand (irc.servers_on_demand), as Biboumi's users configure each server:
 * their own services account (irc.account.set) and their puppet's nick (irc.nick.set) with the server's host as the
 * network, against a real InspIRCd 3 linked to Atheme 7.2, reached on demand as 127.0.0.1 (listed in internal_hosts).
 * The server is connected for the setting as at a first use, with the same checks (a host not allowed, or internal
 * and not listed, is GW_ERR_FORBIDDEN); what is kept is applied when the server is connected again, after its idle
 * teardown and after a restart. An XMPP user (a real Prosody, the gateway its component) is offered the ad-hoc
 * commands, and chooses a nick there the same way. A person's own server password for such a server
 * (irc.server_password.set) is sent as PASS by their puppet: the InspIRCd forwards it to NickServ (module
 * passforward), so the puppet is seen logged in to the account of its nick (extended-join, account-notify), and
 * comes back without it once removed; a host that may not be reached is refused.
 */
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { registerWithNickServ, startAtheme, type Atheme } from "../helpers/atheme.js";
import { componentYaml } from "../helpers/config-yaml.js";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient, type IrcMessage } from "../helpers/irc-client.js";
import { startInspircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

/** Installing InspIRCd and atheme-services on a fresh machine may take minutes; start-up itself is bounded. */
const INSTALL_TIMEOUT_MS = 11 * 60 * 1000;
const SERVICES = { name: "services.switchboard.test", password: "link-secret-42" };
const KEY = "5f1d3c0a9b8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a392817060504";
const ACCOUNT_PASSWORD = "On-Demand-Secret-Ünïcode";
const COMMANDS = "http://jabber.org/protocol/commands";
const HOST = "127.0.0.1";

describe("A person's settings on an IRC server on demand (InspIRCd with Atheme)", function () {
  this.timeout(60_000);
  let server: IrcServer;
  let prosody: ProsodyServer;
  let atheme: Atheme;
  let daemon: Daemon;
  let watcher: IrcTestClient;
  const closers: Array<() => Promise<unknown>> = [];
  const registered = new Set<string>();

  before(async function () {
    this.timeout(INSTALL_TIMEOUT_MS);
    [server, prosody] = await Promise.all([startInspircd({ services: SERVICES, extraModules: ["passforward"] }), startProsody()]);
    atheme = await startAtheme(server);
    daemon = Daemon.create(
      [
        "xmpp:",
        ...componentYaml(prosody, ["messages_from: anyone"]),
        "  user_accounts:",
        "    credential_key: ${KEY}",
        "irc:",
        "  networks: []",
        "  servers_on_demand:",
        "    enabled: true",
        `    allow: ["${HOST}", "127.0.0.2", "denied.invalid"]`,
        '    deny: ["denied.invalid"]',
        `    internal_hosts: ["${HOST}"]`,
        `    ports: [${server.port}]`,
        "    tls:",
        "      enabled: false",
        "    nick: sbodgate",
        "    idle_seconds: 1",
        "    puppets:",
        '      nick_template: "{name}[od]"',
        "      idle_timeout_seconds: 1",
      ].join("\n"),
    );
    await daemon.start({ KEY });
    await daemon.waitForLog(/XMPP component online/, 15_000);
    watcher = await IrcTestClient.connect(server, uniqueUser("odw"), { timeoutMs: 10_000 });
    closers.push(() => watcher.quit());
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") {
      console.log(`--- daemon ---\n${daemon?.log.slice(-6000) ?? ""}\n--- atheme ---\n${atheme?.log().slice(-2000) ?? ""}`);
    }
  });

  after(async function () {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await daemon?.dispose();
    await atheme?.dispose();
    await server?.dispose();
    await prosody?.dispose();
  });

  async function native(name: string): Promise<NativeClient> {
    const client = await NativeClient.session(daemon.url, name, PASSWORD, { register: !registered.has(name) });
    registered.add(name);
    closers.push(() => client.close());
    return client;
  }

  /** An account registered with NickServ the way a user does, from a connection of its own. */
  async function nickServAccount(prefix: string): Promise<string> {
    const account = uniqueUser(prefix);
    const owner = await IrcTestClient.connect(server, account, { timeoutMs: 10_000 });
    await registerWithNickServ(owner, ACCOUNT_PASSWORD, `${account}@switchboard.test`);
    await owner.quit();
    return account;
  }

  /** The account `nick` is logged in to, as WHOIS tells the watcher; undefined when none. */
  async function accountOf(nick: string): Promise<string | undefined> {
    watcher.send(`WHOIS ${nick}`);
    await watcher.waitFor((line) => line.command === "318" && watcher.same(line.params[1], nick), 5000, `the end of WHOIS ${nick} (318)`);
    const replies = watcher.take((line) => /^\d{3}$/.test(line.command) && watcher.same(line.params[1], nick));
    assert.ok(replies.some((line) => line.command === "311"), `${nick} is on the server`);
    return replies.find((line) => line.command === "330")?.params[2];
  }

  const toWatcher = (body: string) => (line: IrcMessage): boolean => line.command === "PRIVMSG" && watcher.same(line.params[0], watcher.nick) && line.params[1] === body;

  /** Writes `body` to the watcher over the server on demand; resolves with the nick it came from. */
  async function write(client: NativeClient, body: string): Promise<string> {
    await client.ok({ type: "message.send", to: `irc://${HOST}/${watcher.nick}`, body });
    const line = await watcher.waitFor(toWatcher(body), 15_000, `"${body}" from a puppet`);
    return line.nick ?? assert.fail("a PRIVMSG without a nick");
  }

  const errorCode = (frame: Frame): unknown => (frame.type === "error" ? frame["code"] : `not an error: ${JSON.stringify(frame)}`);

  it("keeps a person's account and nick for a server on demand and applies them when it is connected again, after its teardown and after a restart", async () => {
    const account = await nickServAccount("odacct");
    const name = uniqueUser("alice");
    const alice = await native(name);

    // The server is connected for the check, as at a first use: a refused password is the services' answer.
    const refused = await alice.request({ type: "irc.account.set", network: HOST, account, password: "wrong-password" }, 20_000);
    assert.equal(errorCode(refused), "GW_ERR_AUTH_FAILED");
    const set = await alice.ok({ type: "irc.account.set", network: HOST, account, password: ACCOUNT_PASSWORD }, 20_000);
    assert.deepEqual([set["network"], set["account"]], [HOST, account]);
    const nick = `${name.slice(0, 6)}x`;
    const chosen = await alice.ok({ type: "irc.nick.set", network: HOST, name: nick }, 20_000);
    assert.deepEqual([chosen["network"], chosen["nick"]], [HOST, `${nick}[od]`]);
    const listed = (await alice.ok({ type: "irc.account.list" }))["accounts"] as Frame[];
    assert.deepEqual(listed.map((entry) => [entry["network"], entry["account"]]), [[HOST, account]]);

    // Unused, the server is disconnected; at its next use it is built again, and the puppet is as set.
    await daemon.waitForLog(/"network":"127\.0\.0\.1","reason":"unused","msg":"IRC server on demand disconnected"/, 15_000);
    const kept = (await alice.ok({ type: "irc.nick.list" }))["nicks"] as Frame[];
    assert.deepEqual(kept.map((entry) => [entry["network"], String(entry["nick"]).toLowerCase()]), [[HOST, `${nick}[od]`.toLowerCase()]], "the kept nick is listed while the server is disconnected");
    const puppet = await write(alice, "after the teardown");
    assert.equal(puppet.toLowerCase(), `${nick}[od]`.toLowerCase(), "the puppet goes by the chosen nick");
    assert.equal((await accountOf(puppet))?.toLowerCase(), account.toLowerCase(), "the puppet is logged in to alice's account");

    await daemon.restart();
    for (const file of ["switchboard.db", "switchboard.db-wal"]) {
      const path = join(daemon.dir, file);
      if (existsSync(path)) assert.ok(!readFileSync(path).includes(Buffer.from(ACCOUNT_PASSWORD, "utf8")), `the password is not in ${file} in clear`);
    }
    const again = await native(name);
    const after = await write(again, "after the restart");
    assert.equal(after.toLowerCase(), `${nick}[od]`.toLowerCase(), "the chosen nick after a restart");
    assert.equal((await accountOf(after))?.toLowerCase(), account.toLowerCase(), "logged in to the kept account after a restart");

    // Removed without the server being connected for it; the next puppet logs in to nothing.
    await again.ok({ type: "irc.account.remove", network: HOST });
    assert.deepEqual((await again.ok({ type: "irc.account.list" }))["accounts"], []);
  });

  it("checks the host as a first use would: not allowed, denied, or internal and not listed is GW_ERR_FORBIDDEN", async () => {
    const bob = await native(uniqueUser("bob"));
    for (const network of ["irc.example.org", "denied.invalid", "127.0.0.2"]) {
      assert.equal(errorCode(await bob.request({ type: "irc.account.set", network, account: "bob", password: ACCOUNT_PASSWORD }, 20_000)), "GW_ERR_FORBIDDEN", `irc.account.set on ${network}`);
      assert.equal(errorCode(await bob.request({ type: "irc.nick.set", network, name: "bobby" }, 20_000)), "GW_ERR_FORBIDDEN", `irc.nick.set on ${network}`);
    }
    assert.equal(errorCode(await bob.request({ type: "irc.nick.set", network: "not_a_host", name: "bobby" })), "GW_ERR_NO_ROUTE");
    assert.deepEqual((await bob.ok({ type: "irc.account.list" }))["accounts"], []);
  });

  it("sends a person's own server password for a server on demand as PASS from their puppet, until it is removed", async () => {
    const name = uniqueUser("carol");
    const carol = await native(name);
    const nick = (await carol.ok({ type: "irc.nick.set", network: HOST, name: `${name.slice(0, 6)}p` }, 20_000))["nick"] as string;
    // The account of the puppet's nick, which the server's passforward identifies the PASS to (IDENTIFY <password>).
    const owner = await IrcTestClient.connect(server, nick, { timeoutMs: 10_000 });
    await registerWithNickServ(owner, ACCOUNT_PASSWORD, `${name}@switchboard.test`);
    await owner.quit();

    const set = await carol.ok({ type: "irc.server_password.set", network: HOST, password: ACCOUNT_PASSWORD }, 20_000);
    assert.equal(set["network"], HOST);
    const kept = (await carol.ok({ type: "irc.server_password.list" }))["servers"] as Frame[];
    assert.deepEqual(kept.map((entry) => [entry["network"], entry["password"]]), [[HOST, undefined]]);
    for (const file of ["switchboard.db", "switchboard.db-wal"]) {
      const path = join(daemon.dir, file);
      if (existsSync(path)) assert.ok(!readFileSync(path).includes(Buffer.from(ACCOUNT_PASSWORD, "utf8")), `the password is not in ${file} in clear`);
    }

    // Someone in the channel sees accounts: at a join (extended-join) and at a login or logout (account-notify).
    const seer = await IrcTestClient.connect(server, uniqueUser("odseer"), { timeoutMs: 10_000, caps: ["extended-join", "account-notify"] });
    closers.push(() => seer.quit());
    const channel = `#odp${name.slice(-5)}`;
    await seer.join(channel);
    const loggedIn = (account: string) => (line: IrcMessage): boolean =>
      seer.same(line.nick, nick) && ((line.command === "JOIN" && line.params[1] === account) || (line.command === "ACCOUNT" && line.params[0] === account));

    // The puppet connects with PASS; the server forwards it to NickServ, which logs the puppet in to its nick's account.
    const room = `irc://${HOST}/${encodeURIComponent(channel)}`;
    await carol.ok({ type: "room.join", room }, 20_000);
    await carol.ok({ type: "room.send", room, body: "with my server password" });
    await seer.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "with my server password" && seer.same(line.nick, nick), 15_000, "carol's puppet speaking");
    await seer.waitFor(loggedIn(nick), 15_000, `${nick} logged in by its PASS`);

    // Removed: the connected puppet comes back at once without it, logged in to nothing.
    await carol.ok({ type: "irc.server_password.remove", network: "127.0.0.1" }, 20_000);
    await seer.waitFor((line) => line.command === "QUIT" && seer.same(line.nick, nick), 15_000, `${nick} quitting to connect again`);
    await seer.waitFor((line) => line.command === "JOIN" && seer.same(line.nick, nick), 15_000, `${nick} back in ${channel}`).then((line) => assert.equal(line.params[1], "*", "back without an account: no PASS sent"));
    assert.deepEqual((await carol.ok({ type: "irc.server_password.list" }))["servers"], []);
    assert.equal(errorCode(await carol.request({ type: "irc.server_password.remove", network: HOST })), "GW_ERR_NOT_FOUND");
  });

  it("refuses a server password for a host that may not be reached, and a name that is no host", async () => {
    const dave = await native(uniqueUser("dave"));
    const refusal = async (network: string): Promise<unknown> => errorCode(await dave.request({ type: "irc.server_password.set", network, password: ACCOUNT_PASSWORD }, 20_000));
    assert.equal(await refusal("127.0.0.2"), "GW_ERR_FORBIDDEN");
    assert.equal(await refusal("denied.invalid"), "GW_ERR_FORBIDDEN");
    assert.equal(await refusal("not_a_host"), "GW_ERR_NO_ROUTE");
    assert.deepEqual((await dave.ok({ type: "irc.server_password.list" }))["servers"], []);
  });

  it("offers the ad-hoc commands to XMPP users where only servers on demand are served: a nick and a server password there", async () => {
    const romeo = await XmppTestClient.newUser(prosody, uniqueUser("romeo"), PASSWORD);
    closers.push(() => romeo.stop());
    const items = await romeo.iq(xml("iq", { type: "get", to: prosody.componentDomain }, xml("query", { xmlns: "http://jabber.org/protocol/disco#items", node: COMMANDS })));
    assert.deepEqual(items.getChild("query")?.getChildren("item").map((item) => item.attrs["node"]), [
      "irc-account",
      "irc-account-remove",
      "irc-accounts",
      "irc-nick",
      "irc-server-password",
      "irc-server-password-remove",
      "irc-server-passwords",
    ]);
    const execute = async (node: string, fields: Record<string, string>): Promise<[unknown, string]> => {
      const answer: Element = await romeo.iq(
        xml("iq", { type: "set", to: prosody.componentDomain },
          xml("command", { xmlns: COMMANDS, node, action: "complete", sessionid: "s1" },
            xml("x", { xmlns: "jabber:x:data", type: "submit" }, ...Object.entries(fields).map(([name, value]) => xml("field", { var: name }, xml("value", {}, value)))))),
        20_000,
      );
      const note = answer.getChild("command", COMMANDS)?.getChild("note");
      return [note?.attrs["type"], note?.getText() ?? ""];
    };
    assert.deepEqual(await execute("irc-nick", { network: HOST, name: "romeox" }), ["info", `Your puppet on ${HOST} is romeox[od] now.`]);
    assert.deepEqual(await execute("irc-server-password", { network: HOST, password: ACCOUNT_PASSWORD }), ["info", `Your puppet on ${HOST} sends your server password now.`]);
    assert.deepEqual(await execute("irc-server-passwords", {}), ["info", `Server passwords kept for: ${HOST}`]);
    const [type, text] = await execute("irc-server-password", { network: "denied.invalid", password: ACCOUNT_PASSWORD });
    assert.equal(type, "error");
    assert.match(text, /^GW_ERR_FORBIDDEN/);
    assert.equal((await execute("irc-server-password-remove", { network: HOST }))[0], "info");
    assert.deepEqual(await execute("irc-server-passwords", {}), ["info", "No IRC server passwords kept for you."]);
  });
});
