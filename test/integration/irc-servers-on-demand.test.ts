/**
 * IRC servers on demand (irc.servers_on_demand), as with Biboumi, against a real Prosody and a real ngIRCd started by
 * the test. The ngIRCd is the configured network `libera` too, and is reached on demand as 127.0.0.1 and localhost
 * (both allowed, and listed as internal hosts): an XMPP user joins #chan%127.0.0.1@<gateway domain> and talks both
 * ways, a native user writes to irc://127.0.0.1/<nick> and gets the reply, refused hosts get their codes, an unused
 * server is disconnected (an IRC operator sees it quit) and connected again at its next use, limits are refused with
 * their codes, a message queued for such a server across a restart is delivered (or reported failed once its host is
 * no longer allowed), and an admin's bridge of one of its channels is restored at a restart, in the background and
 * tried again until the server is back when that server is down then.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import type { IrcMessage, IrcTestClient } from "../helpers/irc-client.js";
import { NETWORK, useNetworks } from "../helpers/network-suite.js";
import { TcpGate } from "../helpers/tcp-gate.js";
import type { XmppTestClient } from "../helpers/xmpp-client.js";

const MUC = "http://jabber.org/protocol/muc";
const MUC_USER = "http://jabber.org/protocol/muc#user";
const STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
const OPERATOR = { name: "watcher", password: "oper-secret" };
const ON_DEMAND_NICK = "sbdemand";
const ADMIN = "odadmin";

/** The `servers_on_demand:` block under `irc:`, reaching the test's ngIRCd (or a gate in front of it) on `port`. */
function onDemandYaml(port: number, extra: readonly string[]): string[] {
  return [
    "  servers_on_demand:",
    "    enabled: true",
    '    allow: ["127.0.0.1", "localhost", "127.0.0.2", "*.invalid"]',
    '    deny: ["denied.invalid"]',
    '    internal_hosts: ["127.0.0.1", "localhost"]',
    `    ports: [${port}]`,
    "    tls:",
    "      enabled: false",
    `    nick: ${ON_DEMAND_NICK}`,
    "    puppets:",
    '      nick_template: "{name}[od]"',
    ...extra.map((line) => `    ${line}`),
  ];
}

const said = (from: string, target: string) => (line: IrcMessage): boolean =>
  line.command === "PRIVMSG" && line.nick?.toLowerCase() === from.toLowerCase() && line.params[0]?.toLowerCase() === target.toLowerCase();

const isLine = (command: string, nick: string, channel: string) => (line: IrcMessage): boolean =>
  line.command === command && line.nick?.toLowerCase() === nick.toLowerCase() && line.params[0]?.toLowerCase() === channel.toLowerCase();

function selfPresence(stanza: Element): boolean {
  return stanza.attrs["type"] === undefined && (stanza.getChild("x", MUC_USER)?.getChildren("status") ?? []).some((status) => status.attrs["code"] === "110");
}

async function joinMuc(user: XmppTestClient, occupantJid: string): Promise<Element> {
  await user.send(xml("presence", { to: occupantJid }, xml("x", { xmlns: MUC })));
  return user.waitForPresence(occupantJid, (stanza) => selfPresence(stanza) || stanza.attrs["type"] === "error", 15_000);
}

function errorCondition(stanza: Element): string | undefined {
  return stanza.getChild("error")?.children.find((child): child is Element => typeof child !== "string" && child.attrs["xmlns"] === STANZAS)?.name;
}

describe("IRC servers on demand (irc.servers_on_demand)", function () {
  const suite = useNetworks({
    ircServerOptions: { operators: [OPERATOR] },
    ircSectionYaml: (irc) => onDemandYaml(irc.port, ["  idle_timeout_seconds: 1", "idle_seconds: 1"]),
  });
  const domain = (): string => suite.prosody().componentDomain;

  /** An IRC operator who sees every client's exit (ngIRCd user mode +c: connect and disconnect notices). */
  async function operator(): Promise<IrcTestClient> {
    const oper = await suite.ircUser("oper");
    oper.send(`OPER ${OPERATOR.name} ${OPERATOR.password}`);
    await oper.waitFor((line) => line.command === "381", 10_000, "RPL_YOUREOPER");
    oper.send(`MODE ${oper.nick} +c`);
    await oper.waitFor((line) => line.command === "MODE" && (line.params[1] ?? "").includes("c"), 10_000, "the +c mode");
    return oper;
  }

  const exiting = (nick: string) => (line: IrcMessage): boolean => line.command === "NOTICE" && (line.params[1] ?? "").toLowerCase().startsWith(`client exiting: ${nick.toLowerCase()} `);

  it("connects a server at its first use, disconnects it once unused (the server sees it quit) and connects it again at the next use", async function () {
    this.timeout(60_000);
    const oper = await operator();
    const bob = await suite.ircUser("bob");
    const alice = await suite.native("alice");
    const puppet = `${suite.nameOf(alice)}[od]`;
    await alice.ok({ type: "message.send", to: `irc://127.0.0.1/${bob.nick}`, body: "hello over a server on demand" });
    const first = await bob.waitFor(said(puppet, bob.nick), 15_000, "alice's puppet writing to bob");
    assert.equal(first.params[1], "hello over a server on demand");
    bob.privmsg(puppet, "hello back");
    const reply = (await alice.waitForType("message", () => true, 10_000))["message"] as Record<string, unknown>;
    assert.deepEqual([reply["from"], reply["body"], reply["scope"]], [`irc://127.0.0.1/${bob.nick.toLowerCase()}`, "hello back", "direct"]);

    // Unused: the puppet quits after its idle time, then the gateway's own connection after idle_seconds.
    await oper.waitFor(exiting(puppet), 15_000, "the puppet quitting");
    await oper.waitFor(exiting(ON_DEMAND_NICK), 15_000, "the gateway's connection quitting");
    await suite.daemon().waitForLog(/"network":"127\.0\.0\.1","reason":"unused","msg":"IRC server on demand disconnected"/);

    await alice.ok({ type: "message.send", to: `irc://127.0.0.1/${bob.nick}`, body: "and again" });
    const again = await bob.waitFor(said(puppet, bob.nick), 15_000, "alice's puppet, on the server connected again");
    assert.equal(again.params[1], "and again");
    // The daemon's log reaches the test by another pipe than bob's line: await the second connection's line.
    const connected = /"network":"127\.0\.0\.1"[^\n]*"msg":"IRC server on demand connected"/g;
    await suite.daemon().waitForLog(new RegExp(`${connected.source}[\\s\\S]*${connected.source}`));
    assert.equal(suite.daemon().log.match(connected)?.length, 2, "connected twice");
  });

  it("lets an XMPP user join #chan%127.0.0.1@<gateway domain> and talk both ways with an IRC user, and leaves once she left", async function () {
    this.timeout(60_000);
    const bob = await suite.ircUser("bob");
    const channel = `#od${bob.nick.slice(-6)}`;
    await bob.join(channel);
    const roomJid = `${channel}%127.0.0.1@${domain()}`;
    const juliet = await suite.xmppUser("juliet");
    // Clients ask what the JID is before joining: a MUC, though the server is not connected for it yet.
    const info = await juliet.iq(xml("iq", { type: "get", to: roomJid }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" })));
    assert.equal(info.getChild("query")?.getChild("identity")?.attrs["category"], "conference");
    const joined = await joinMuc(juliet, `${roomJid}/Juliet`);
    assert.equal(joined.attrs["type"], undefined, joined.toString());
    await bob.waitFor((line) => line.command === "JOIN" && line.params[0]?.toLowerCase() === channel.toLowerCase() && line.nick !== bob.nick, 10_000, "the gateway joining");

    bob.privmsg(channel, "hello from irc");
    const fromBob = await juliet.waitForMessage(`${roomJid}/${bob.nick}`, (stanza) => stanza.getChildText("body") === "hello from irc", 10_000);
    assert.equal(fromBob.attrs["type"], "groupchat");
    await juliet.sendMessage(roomJid, "hello from xmpp", "groupchat");
    const puppet = `${juliet.bareJid.split("@")[0] ?? ""}[od]`;
    const line = await bob.waitFor(isLine("PRIVMSG", puppet, channel), 10_000, "juliet's puppet speaking in the channel");
    assert.equal(line.params[1], "hello from xmpp");

    // A direct message to nick%host@<gateway domain>, answered.
    await juliet.sendMessage(`${bob.nick.toLowerCase()}%127.0.0.1@${domain()}`, "psst");
    const query = await bob.waitFor(said(puppet, bob.nick), 10_000, "juliet's query");
    assert.equal(query.params[1], "psst");
    bob.privmsg(puppet, "psst yourself");
    const answer = await juliet.waitFor((stanza) => stanza.is("message") && stanza.getChildText("body") === "psst yourself", 10_000, "bob's answer");
    assert.equal(String(answer.attrs["from"]).toLowerCase(), `${bob.nick.toLowerCase()}%127.0.0.1@${domain()}`);

    await juliet.send(xml("presence", { to: `${roomJid}/Juliet`, type: "unavailable" }));
    await bob.waitFor((candidate) => candidate.command === "PART" && candidate.params[0]?.toLowerCase() === channel.toLowerCase() && candidate.nick?.toLowerCase().startsWith(ON_DEMAND_NICK) === true, 10_000, "the gateway leaving");
  });

  it("refuses a host outside allow, a denied one and a private one not listed, with their codes and nothing connected", async function () {
    this.timeout(30_000);
    const alice = await suite.native("alice");
    const refusal = async (to: string): Promise<[unknown, unknown]> => {
      const answer = await alice.request({ type: "message.send", to, body: "hello?" });
      return [answer["code"], answer["message"]];
    };
    const [notAllowed, notAllowedWhy] = await refusal("irc://irc.example.net/bob");
    assert.deepEqual([notAllowed, /irc\.servers_on_demand\.allow/.test(String(notAllowedWhy))], ["GW_ERR_FORBIDDEN", true], String(notAllowedWhy));
    const [denied, deniedWhy] = await refusal("irc://denied.invalid/bob");
    assert.deepEqual([denied, /irc\.servers_on_demand\.deny/.test(String(deniedWhy))], ["GW_ERR_FORBIDDEN", true], String(deniedWhy));
    const [internal, internalWhy] = await refusal("irc://127.0.0.2/bob");
    assert.deepEqual([internal, /internal network.*irc\.servers_on_demand\.internal_hosts/.test(String(internalWhy))], ["GW_ERR_FORBIDDEN", true], String(internalWhy));
    assert.equal((await alice.request({ type: "room.join", room: "irc://irc.example.net/%23dev" }))["code"], "GW_ERR_FORBIDDEN");
    assert.equal((await refusal("irc://LOCALHOST/bob"))[0], "GW_ERR_BAD_ADDRESS");
    // A configured network's name in another case is no server on demand: as without the feature.
    assert.equal((await refusal(`irc://${NETWORK.toUpperCase()}/bob`))[0], "GW_ERR_NO_ROUTE");
    const juliet = await suite.xmppUser("juliet");
    const refused = await joinMuc(juliet, `#dev%irc.example.net@${domain()}/Juliet`);
    assert.deepEqual([refused.attrs["type"], errorCondition(refused)], ["error", "forbidden"], refused.toString());
    const log = suite.daemon().log;
    assert.match(log, /"network":"irc\.example\.net"[^\n]*"code":"GW_ERR_FORBIDDEN"[^\n]*"msg":"IRC server on demand refused"/);
    assert.doesNotMatch(log, /"network":"(irc\.example\.net|denied\.invalid|127\.0\.0\.2)"[^\n]*"msg":"IRC server on demand connected"/);
  });

  it("connects a server for contact.info about one of its people (WHOIS), with the checks of a first use", async function () {
    this.timeout(60_000);
    const bob = await suite.ircUser("bob");
    const alice = await suite.native("alice");
    // Not connected (never, or the earlier tests' connection gone once unused): the lookup is a first use.
    const connected = '"msg":"IRC server on demand connected"';
    await suite.daemon().waitForLog(new RegExp(`^(?![\\s\\S]*${connected})|"reason":"unused","msg":"IRC server on demand disconnected"(?![\\s\\S]*${connected})`), 20_000);
    const connectedLine = /"network":"127\.0\.0\.1"[^\n]*"msg":"IRC server on demand connected"/g;
    const before = suite.daemon().log.match(connectedLine)?.length ?? 0;
    const answer = await alice.ok({ type: "contact.info", address: `irc://127.0.0.1/${bob.nick}` }, 20_000);
    const info = answer["info"] as Record<string, unknown>;
    assert.deepEqual([info["nick"], info["full_name"]], [bob.nick, `Switchboard test ${bob.nick}`]);
    // Connected for it: one more connection's line (the log reaches the test by another pipe than the answer).
    await suite.daemon().waitForLog(new RegExp(`(?:[\\s\\S]*?${connectedLine.source}){${before + 1}}`));
    const denied = await alice.request({ type: "contact.info", address: "irc://denied.invalid/bob" });
    assert.deepEqual([denied["code"], /irc\.servers_on_demand\.deny/.test(String(denied["message"]))], ["GW_ERR_FORBIDDEN", true], String(denied["message"]));
  });
});

describe("IRC servers on demand: limits, and messages queued across a restart", function () {
  let gate: TcpGate | undefined;
  const through = (): TcpGate => {
    if (!gate) throw new Error("the gate is not started");
    return gate;
  };
  before(async function () {
    gate = await TcpGate.start("127.0.0.1", () => suite.irc().port);
  });
  after(async function () {
    await gate?.dispose();
  });
  const suite = useNetworks({ admins: [`native:${ADMIN}`], ircSectionYaml: () => onDemandYaml(through().port, ["max_servers: 2", "max_servers_per_person: 1"]) });
  const domain = (): string => suite.prosody().componentDomain;

  it("refuses a server past max_servers_per_person (GW_ERR_LIMIT_REACHED) and past max_servers (GW_ERR_RATE_LIMITED, resource-constraint)", async function () {
    this.timeout(60_000);
    const bob = await suite.ircUser("bob");
    const alice = await suite.native("alice");
    await alice.ok({ type: "room.join", room: "irc://127.0.0.1/%23one" });
    const mine = await alice.request({ type: "room.join", room: "irc://localhost/%23two" });
    assert.equal(mine["code"], "GW_ERR_LIMIT_REACHED", JSON.stringify(mine));
    assert.match(String(mine["message"]), /irc\.servers_on_demand\.max_servers_per_person/);
    // A server someone else connected costs her nothing.
    const kim = await suite.native("kim");
    await kim.ok({ type: "message.send", to: `irc://localhost/${bob.nick}`, body: "from kim" });
    assert.equal((await bob.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "from kim", 15_000, "kim's line"))["command"], "PRIVMSG");
    await alice.ok({ type: "message.send", to: `irc://localhost/${bob.nick}`, body: "from alice" });
    await bob.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "from alice", 15_000, "alice's line");

    const carol = await suite.native("carol");
    const full = await carol.request({ type: "message.send", to: "irc://127.0.0.2/bob", body: "hello?" });
    assert.equal(full["code"], "GW_ERR_RATE_LIMITED", JSON.stringify(full));
    assert.match(String(full["message"]), /irc\.servers_on_demand\.max_servers/);
    const juliet = await suite.xmppUser("juliet");
    const refused = await joinMuc(juliet, `#three%127.0.0.2@${domain()}/Juliet`);
    assert.deepEqual([refused.attrs["type"], errorCondition(refused)], ["error", "resource-constraint"], refused.toString());
  });

  it("delivers a message queued for a server on demand while it was down, after a restart of the gateway", async function () {
    this.timeout(90_000);
    const dan = await suite.ircUser("dan");
    const alice = await suite.native("alice");
    const puppet = `${suite.nameOf(alice)}[od]`;
    await alice.ok({ type: "message.send", to: `irc://127.0.0.1/${dan.nick}`, body: "before" });
    await dan.waitFor(said(puppet, dan.nick), 15_000, "the first line");
    through().close();
    await suite.daemon().waitForLog(/"adapter":"irc\/127\.0\.0\.1"[^\n]*"msg":"adapter down; restarting after backoff"/);
    await alice.ok({ type: "message.send", to: `irc://127.0.0.1/${dan.nick}`, body: "while the server was away" });
    await suite.daemon().stop();
    through().reopen();
    await suite.daemon().start();
    // ("before" may come again first: its confirmation was cut with the connection, and delivery is at least once.)
    const late = await dan.waitFor((line) => said(puppet, dan.nick)(line) && line.params[1] === "while the server was away", 30_000, "the queued line, after the restart");
    assert.ok(late);
  });

  it("restores an admin's bridge of a channel of a server on demand at a restart, connecting the server again", async function () {
    this.timeout(90_000);
    const eve = await suite.ircUser("eve");
    await eve.join("#bridged");
    const gatewayJoin = (line: IrcMessage): boolean => line.command === "JOIN" && line.params[0]?.toLowerCase() === "#bridged" && line.nick?.toLowerCase().startsWith(ON_DEMAND_NICK) === true;
    const admin = await suite.nativeAs(ADMIN, { register: true });
    await admin.ok({ type: "bridge.add", room: "odroom", with: "irc://localhost/%23bridged" });
    await admin.ok({ type: "room.join", room: "odroom" });
    await eve.waitFor(gatewayJoin, 15_000, "the gateway joining the bridged channel");
    await suite.daemon().restart();
    await eve.waitFor(gatewayJoin, 30_000, "the gateway joining it again after the restart");
    const back = await suite.nativeAs(ADMIN);
    eve.privmsg("#bridged", "after the restart");
    const relayed = (await back.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "after the restart", 15_000))["message"] as Record<string, unknown>;
    assert.equal(relayed["from"], `irc://localhost/${eve.nick.toLowerCase()}`);
  });

  it("restores such a bridge in the background while its server is down: the start does not wait, and the server is tried again until it is back", async function () {
    this.timeout(120_000);
    const channel = "#later";
    const remote = /"remote":"irc:\/\/localhost\/(%23|#)later"/.source;
    const gatewayJoin = (line: IrcMessage): boolean => line.command === "JOIN" && line.params[0]?.toLowerCase() === channel && line.nick?.toLowerCase().startsWith(ON_DEMAND_NICK) === true;
    const ivy = await suite.ircUser("ivy");
    await ivy.join(channel);
    const admin = await suite.nativeAs(ADMIN, { register: true });
    await admin.ok({ type: "bridge.add", room: "laterroom", with: "irc://localhost/%23later" });
    await admin.ok({ type: "room.join", room: "laterroom" });
    await ivy.waitFor(gatewayJoin, 15_000, "the gateway joining the bridged channel");

    // A restart while the IRC server is stopped and its host never answers (the gate holds the connection unanswered).
    await suite.daemon().stop();
    await suite.irc().stop();
    through().stall();
    await suite.daemon().start();
    // The daemon said it started; its attempt to reach the server is still waiting for an answer.
    await through().clientWrote(/NICK /, "swallowed", 15_000);
    assert.doesNotMatch(suite.daemon().log, /"msg":"IRC server on demand (connected|not reached on this port)"/);
    // The attempt fails (the gate cuts it and refuses the next): the bridge waits, and is tried again after a backoff.
    through().close();
    await suite.daemon().waitForLog(new RegExp(`${remote}[^\n]*"msg":"bridge not restored yet: its IRC server on demand is not reached; trying again after backoff"`), 15_000);
    assert.doesNotMatch(suite.daemon().log, new RegExp(`${remote}[^\n]*"msg":"bridge kept`));

    // The server is back (and the test's user in the channel before the gateway may reach it).
    await suite.irc().start();
    const ivyAgain = await suite.ircUser("ivy");
    await ivyAgain.join(channel);
    through().reopen();
    await ivyAgain.waitFor(gatewayJoin, 60_000, "the gateway joining the channel once its server is back");
    await suite.daemon().waitForLog(new RegExp(`${remote}[^\n]*"msg":"bridge restored: its IRC server on demand is connected"`));
    const back = await suite.nativeAs(ADMIN);
    ivyAgain.privmsg(channel, "back again");
    const relayed = (await back.waitForType("message", (frame) => (frame["message"] as Record<string, unknown>)["body"] === "back again", 15_000))["message"] as Record<string, unknown>;
    assert.equal(relayed["from"], `irc://localhost/${ivyAgain.nick.toLowerCase()}`);
  });

  it("reports a message queued for a server on demand failed after a restart that no longer allows its host", async function () {
    this.timeout(90_000);
    const frank = await suite.ircUser("frank");
    const alice = await suite.native("alice");
    const name = suite.nameOf(alice);
    await alice.ok({ type: "message.send", to: `irc://127.0.0.1/${frank.nick}`, body: "first" });
    await frank.waitFor(said(`${name}[od]`, frank.nick), 15_000, "the first line");
    through().close();
    await suite.daemon().waitForLog(/"adapter":"irc\/127\.0\.0\.1"[^\n]*"msg":"adapter down; restarting after backoff"/);
    const queued = await alice.ok({ type: "message.send", to: `irc://127.0.0.1/${frank.nick}`, body: "never" });
    await suite.daemon().stop();
    const config = suite.daemon().configPath;
    writeFileSync(config, readFileSync(config, "utf8").replace('allow: ["127.0.0.1", ', "allow: ["));
    through().reopen();
    await suite.daemon().start();
    const back = await suite.nativeAs(name);
    const failed = await back.waitForType("message.failed", (frame) => frame["message_id"] === queued["message_id"], 15_000);
    assert.equal(failed["code"], "GW_ERR_FORBIDDEN", JSON.stringify(failed));
    assert.match(String(failed["reason"]), /irc\.servers_on_demand\.allow/);
  });
});
