/**
 * A person's own services account for their puppet (irc.account.set / remove / list), against a real InspIRCd 3
 * linked to Atheme 7.2: a refused password is GW_ERR_AUTH_FAILED and keeps nothing; a taken one logs the
 * connected puppet in at once (it comes back in its channel), and again after a restart of the daemon, with the
 * password nowhere in clear in the database; removed, the puppet comes back logged in to nothing. An XMPP user
 * (a real Prosody, the gateway its component) does the same with ad-hoc commands. Whether the puppet is logged
 * in is checked as IRC users see it: WHOIS shows RPL_WHOISACCOUNT (330).
 */
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { registerWithNickServ, startAtheme, type Atheme } from "../helpers/atheme.js";
import { componentYaml, ircNetworkYaml } from "../helpers/config-yaml.js";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient } from "../helpers/irc-client.js";
import { startInspircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

/** Installing InspIRCd and atheme-services on a fresh machine may take minutes; start-up itself is bounded. */
const INSTALL_TIMEOUT_MS = 11 * 60 * 1000;
const SERVICES = { name: "services.switchboard.test", password: "link-secret-42" };
const KEY = "5f1d3c0a9b8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a392817060504";
const ACCOUNT_PASSWORD = "Pupp3t-Secret-Ünïcode";

describe("IRC puppets logged in to their person's own services account (InspIRCd with Atheme)", function () {
  this.timeout(60_000);
  let server: IrcServer;
  let prosody: ProsodyServer;
  let atheme: Atheme;
  let daemon: Daemon;
  let watcher: IrcTestClient;
  let account: string;
  const closers: Array<() => Promise<unknown>> = [];

  before(async function () {
    this.timeout(INSTALL_TIMEOUT_MS);
    [server, prosody] = await Promise.all([startInspircd({ services: SERVICES }), startProsody()]);
    atheme = await startAtheme(server);
    const network = (name: string, nick: string, extra: readonly string[]): string[] => ircNetworkYaml(name, server.port, nick, ["presence_poll_seconds: 3600", ...extra]);
    daemon = Daemon.create(
      [
        "xmpp:",
        ...componentYaml(prosody, ["messages_from: anyone"]),
        "  user_accounts:",
        "    credential_key: ${KEY}",
        "irc:",
        "  networks:",
        ...network("acctnet", "sbpgate", ["channels:", '  - channel: "#pa"', "    room: pa"]),
        ...network("relaynet", "sbrelay", ["mode: relay"]),
      ].join("\n"),
    );
    await daemon.start({ KEY });
    await daemon.waitForLog(/"network":"acctnet"[^\n]*IRC network online/, 15_000);
    await daemon.waitForLog(/"network":"relaynet"[^\n]*IRC network online/, 15_000);
    await daemon.waitForLog(/XMPP component online/, 15_000);
    // The account the person keeps: registered the way a user does, from a connection of its own.
    account = uniqueUser("pacct");
    const owner = await IrcTestClient.connect(server, account, { timeoutMs: 10_000 });
    await registerWithNickServ(owner, ACCOUNT_PASSWORD, `${account}@switchboard.test`);
    await owner.quit();
    watcher = await IrcTestClient.connect(server, uniqueUser("pw"), { timeoutMs: 10_000 });
    closers.push(() => watcher.quit());
    await watcher.join("#pa");
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") {
      console.log(`--- daemon ---\n${daemon?.log.slice(-5000) ?? ""}\n--- atheme ---\n${atheme?.log().slice(-2000) ?? ""}`);
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
  const registered = new Set<string>();

  /** The account `nick` is logged in to, as WHOIS tells the watcher; undefined when none. */
  async function accountOf(nick: string): Promise<string | undefined> {
    watcher.send(`WHOIS ${nick}`);
    await watcher.waitFor((line) => line.command === "318" && watcher.same(line.params[1], nick), 5000, `the end of WHOIS ${nick} (318)`);
    const replies = watcher.take((line) => /^\d{3}$/.test(line.command) && watcher.same(line.params[1], nick));
    assert.ok(replies.some((line) => line.command === "311"), `${nick} is on the server`);
    return replies.find((line) => line.command === "330")?.params[2];
  }

  /** Says `body` in the room and resolves with the nick that said it in #pa. */
  async function say(client: NativeClient, body: string): Promise<string> {
    await client.ok({ type: "room.send", room: "pa", body });
    const line = await watcher.waitFor((candidate) => candidate.command === "PRIVMSG" && candidate.params[1] === body, 15_000, `"${body}" in #pa`);
    return line.nick ?? assert.fail("a PRIVMSG without a nick");
  }

  const errorCode = (frame: Frame): unknown => (frame.type === "error" ? frame["code"] : `not an error: ${JSON.stringify(frame)}`);

  it("keeps nothing for a refused password, logs the connected puppet in once the services take it, and again after a restart", async () => {
    const name = uniqueUser("alice");
    const alice = await native(name);
    await alice.ok({ type: "room.join", room: "pa" });
    const puppet = await say(alice, "before any account");
    assert.equal(await accountOf(puppet), undefined, "a puppet without an account is logged in to nothing");

    const refused = await alice.request({ type: "irc.account.set", network: "acctnet", account, password: "wrong-password" }, 20_000);
    assert.equal(errorCode(refused), "GW_ERR_AUTH_FAILED");
    assert.deepEqual((await alice.ok({ type: "irc.account.list" }))["accounts"], [], "nothing kept for a refused password");

    const set = await alice.ok({ type: "irc.account.set", network: "ACCTNET", account, password: ACCOUNT_PASSWORD }, 20_000);
    assert.deepEqual([set["network"], set["account"]], ["acctnet", account]);
    // The connected puppet logs in again at once and comes back to its channel.
    await watcher.waitFor((line) => line.command === "QUIT" && watcher.same(line.nick, puppet), 10_000, `${puppet} quitting to log in`);
    await watcher.waitFor((line) => line.command === "JOIN" && watcher.same(line.nick, puppet), 15_000, `${puppet} back in #pa`);
    assert.equal((await accountOf(puppet))?.toLowerCase(), account.toLowerCase(), "the puppet is logged in to alice's account");
    assert.equal(await say(alice, "now as my account"), puppet);
    const listed = (await alice.ok({ type: "irc.account.list" }))["accounts"] as Frame[];
    assert.deepEqual(listed.map((entry) => [entry["network"], entry["account"], entry["password"]]), [["acctnet", account, undefined]]);

    await daemon.restart();
    for (const file of ["switchboard.db", "switchboard.db-wal"]) {
      const path = join(daemon.dir, file);
      if (existsSync(path)) assert.ok(!readFileSync(path).includes(Buffer.from(ACCOUNT_PASSWORD, "utf8")), `the password is not in ${file} in clear`);
    }
    const again = await native(name);
    await again.ok({ type: "room.join", room: "pa" });
    const after = await say(again, "after the restart");
    assert.equal((await accountOf(after))?.toLowerCase(), account.toLowerCase(), "the puppet logs in to the kept account after a restart");

    await again.ok({ type: "irc.account.remove", network: "acctnet" });
    await watcher.waitFor((line) => line.command === "JOIN" && watcher.same(line.nick, after), 15_000, `${after} back in #pa`);
    assert.equal(await accountOf(after), undefined, "removed: the puppet comes back logged in to nothing");
    assert.deepEqual((await again.ok({ type: "irc.account.list" }))["accounts"], []);
    assert.equal(errorCode(await again.request({ type: "irc.account.remove", network: "acctnet" })), "GW_ERR_NOT_FOUND");
  });

  it("tells the person, when their message cannot go, that the services refuse the account they keep", async () => {
    const changed = uniqueUser("pchg");
    const owner = await IrcTestClient.connect(server, changed, { timeoutMs: 10_000 });
    closers.push(() => owner.quit());
    await registerWithNickServ(owner, ACCOUNT_PASSWORD, `${changed}@switchboard.test`);
    const carol = await native(uniqueUser("carol"));
    await carol.ok({ type: "room.join", room: "pa" });
    await carol.ok({ type: "irc.account.set", network: "acctnet", account: changed, password: ACCOUNT_PASSWORD }, 20_000);
    // The password changes on the network (registering logged the owner's connection in); the kept one is stale.
    owner.privmsg("NickServ", "SET PASSWORD An0ther-Passw0rd");
    await owner.waitFor((line) => line.command === "NOTICE" && owner.same(line.nick, "NickServ") && /password/i.test(line.params[1] ?? ""), 5000, "NickServ's answer to SET PASSWORD");
    const sent = await carol.ok({ type: "room.send", room: "pa", body: "with a stale password" });
    const failed = await carol.waitForType("message.failed", (frame) => frame["message_id"] === sent["message_id"], 20_000);
    assert.equal(failed["code"], "GW_ERR_AUTH_FAILED");
    assert.match(String(failed["reason"]), new RegExp(`refused your account ${changed}.*irc\\.account\\.set`, "i"));
    assert.equal(watcher.take((line) => line.command === "PRIVMSG" && line.params[1] === "with a stale password").length, 0, "nothing said without the account");
  });

  it("lets an XMPP user keep their account with ad-hoc commands, and their puppet logs in to it", async () => {
    const COMMANDS = "http://jabber.org/protocol/commands";
    const xaccount = uniqueUser("xacct");
    const owner = await IrcTestClient.connect(server, xaccount, { timeoutMs: 10_000 });
    closers.push(() => owner.quit());
    await registerWithNickServ(owner, ACCOUNT_PASSWORD, `${xaccount}@switchboard.test`);
    const romeo = await XmppTestClient.newUser(prosody, uniqueUser("romeo"), PASSWORD);
    closers.push(() => romeo.stop());
    const execute = (node: string, fields: Record<string, string>): Promise<Element> =>
      romeo.iq(
        xml("iq", { type: "set", to: prosody.componentDomain },
          xml("command", { xmlns: COMMANDS, node, action: "complete", sessionid: "s1" },
            xml("x", { xmlns: "jabber:x:data", type: "submit" }, ...Object.entries(fields).map(([name, value]) => xml("field", { var: name }, xml("value", {}, value)))))),
        20_000,
      );
    const note = (answer: Element): { type: string; text: string } => {
      const element = answer.getChild("command", COMMANDS)?.getChild("note");
      return { type: String(element?.attrs["type"]), text: element?.getText() ?? "" };
    };
    const items = await romeo.iq(xml("iq", { type: "get", to: prosody.componentDomain }, xml("query", { xmlns: "http://jabber.org/protocol/disco#items", node: COMMANDS })));
    assert.deepEqual(items.getChild("query")?.getChildren("item").map((item) => item.attrs["node"]), ["irc-account", "irc-account-remove", "irc-accounts", "irc-nick"], "everyone sees the account and nick commands, no admin's");

    const refused = note(await execute("irc-account", { network: "acctnet", account: xaccount, password: "wrong" }));
    assert.equal(refused.type, "error");
    assert.match(refused.text, /^GW_ERR_AUTH_FAILED/);
    assert.deepEqual(note(await execute("irc-account", { network: "acctnet", account: xaccount, password: ACCOUNT_PASSWORD })), { type: "info", text: `Your puppet on acctnet logs in to ${xaccount} now.` });
    assert.equal(note(await execute("irc-accounts", {})).text, `acctnet: ${xaccount}`);

    const room = `#pa%acctnet@${prosody.componentDomain}`;
    await romeo.send(xml("presence", { to: `${room}/Romeo` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await romeo.waitForPresence(`${room}/Romeo`, (stanza) => stanza.attrs["type"] === undefined, 15_000);
    await romeo.send(xml("message", { to: room, type: "groupchat" }, xml("body", {}, "romeo, logged in")));
    const line = await watcher.waitFor((candidate) => candidate.command === "PRIVMSG" && candidate.params[1] === "romeo, logged in", 15_000, "romeo's line in #pa");
    assert.equal((await accountOf(line.nick ?? ""))?.toLowerCase(), xaccount.toLowerCase(), "the XMPP user's puppet is logged in to their account");
    assert.equal(note(await execute("irc-account-remove", { network: "acctnet" })).type, "info");
    assert.equal(note(await execute("irc-accounts", {})).text, "No IRC accounts kept for you.");
  });

  it("refuses a network in relay mode and one that is not configured", async () => {
    const bob = await native(uniqueUser("bob"));
    assert.equal(errorCode(await bob.request({ type: "irc.account.set", network: "relaynet", account, password: ACCOUNT_PASSWORD })), "GW_ERR_UNSUPPORTED");
    assert.equal(errorCode(await bob.request({ type: "irc.account.set", network: "nowhere", account, password: ACCOUNT_PASSWORD })), "GW_ERR_NO_ROUTE");
    assert.deepEqual((await bob.ok({ type: "irc.account.list" }))["accounts"], []);
  });
});
