/**
 * A puppet nick of the person's choosing (irc.nick.set / irc.nick.list, the ad-hoc command irc-nick), against a
 * real ngIRCd (NICKLEN 30) and a real Prosody: a connected puppet changes nick on the network before the answer, so
 * IRC users see the NICK and the person's next line and their queries follow the new nick; the gateway's own
 * connection shows the room nobody's rename; nobody else may take the nick, nor the one the person had before; a
 * nick the server refuses (a stranger has it) changes nothing; a name that would be cut, has nothing a nick can
 * hold, or matches ignore_nicks is refused; a puppet not connected takes the nick at its next connect, and after a
 * restart the puppet connects under the chosen nick.
 */
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import assert from "node:assert/strict";
import { componentYaml, ircNetworkYaml } from "../helpers/config-yaml.js";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient } from "../helpers/irc-client.js";
import { startNgircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const INSTALL_TIMEOUT_MS = 11 * 60 * 1000;
const COMMANDS = "http://jabber.org/protocol/commands";

describe("IRC puppet nicks of the person's choosing (ngIRCd)", function () {
  this.timeout(60_000);
  let server: IrcServer;
  let prosody: ProsodyServer;
  let daemon: Daemon;
  let watcher: IrcTestClient;
  const closers: Array<() => Promise<unknown>> = [];

  before(async function () {
    this.timeout(INSTALL_TIMEOUT_MS);
    [server, prosody] = await Promise.all([startNgircd(), startProsody()]);
    daemon = Daemon.create(
      [
        "xmpp:",
        ...componentYaml(prosody, ["messages_from: anyone"]),
        "irc:",
        "  networks:",
        ...ircNetworkYaml("nicknet", server.port, "sbnick", ["presence_poll_seconds: 3600", "ignore_nicks: ['*bot[sb]']", "channels:", '  - channel: "#pn"', "    room: pn"]),
      ].join("\n"),
    );
    await daemon.start();
    await daemon.waitForLog(/IRC network online/, 15_000);
    await daemon.waitForLog(/XMPP component online/, 15_000);
    watcher = await IrcTestClient.connect(server, "pnwatch", { timeoutMs: 10_000 });
    closers.push(() => watcher.quit());
    await watcher.join("#pn");
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(`--- daemon ---\n${daemon?.log.slice(-5000) ?? ""}`);
  });

  after(async function () {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await daemon?.dispose();
    await server?.dispose();
    await prosody?.dispose();
  });

  async function native(name: string, register = true): Promise<NativeClient> {
    const client = await NativeClient.session(daemon.url, name, PASSWORD, { register });
    closers.push(() => client.close());
    await client.ok({ type: "room.join", room: "pn" });
    return client;
  }

  /** Says `body` in the room and resolves with the nick that said it in #pn. */
  async function say(client: NativeClient, body: string): Promise<string> {
    await client.ok({ type: "room.send", room: "pn", body });
    const line = await watcher.waitFor((candidate) => candidate.command === "PRIVMSG" && candidate.params[1] === body, 15_000, `"${body}" in #pn`);
    return line.nick ?? assert.fail("a PRIVMSG without a nick");
  }

  const errorCode = (frame: Frame): unknown => (frame.type === "error" ? frame["code"] : `not an error: ${JSON.stringify(frame)}`);

  it("changes a connected puppet's nick on the network before answering; its lines and queries follow it, and the room sees no rename", async () => {
    const name = uniqueUser("ali");
    const alice = await native(name);
    const before = await say(alice, "before the change");
    assert.equal(before, `${name}[sb]`);
    const chosen = uniqueUser("ace");
    const set = await alice.ok({ type: "irc.nick.set", network: "NickNet", name: chosen });
    assert.deepEqual([set["network"], set["nick"]], ["nicknet", `${chosen}[sb]`]);
    const renamed = await watcher.waitFor((line) => line.command === "NICK" && watcher.same(line.nick, before), 10_000, `${before} changing nick`);
    assert.equal(renamed.params[0], `${chosen}[sb]`);
    assert.equal(await say(alice, "after the change"), `${chosen}[sb]`);
    assert.deepEqual((await alice.ok({ type: "irc.nick.list" }))["nicks"], [{ network: "nicknet", nick: `${chosen}[sb]` }]);

    // Whatever the rename showed alice came before the watcher's line: her own puppet's rename is nobody's.
    watcher.privmsg("#pn", "a line after the rename");
    const shown: unknown[] = [];
    for (;;) {
      const frame = await alice.waitFor((candidate) => candidate.type === "room.member" || candidate.type === "message");
      if (frame.type === "message") break;
      shown.push((frame["member"] as Record<string, unknown>)["nick"]);
    }
    assert.deepEqual(shown.filter((nick) => nick === before || nick === `${chosen}[sb]`), []);

    watcher.privmsg(`${chosen}[sb]`, "a query to the new nick");
    const query = await alice.waitFor((frame) => frame.type === "message" && (frame["message"] as Record<string, unknown>)["body"] === "a query to the new nick", 10_000);
    assert.equal((query["message"] as Record<string, unknown>)["from"], "irc://nicknet/pnwatch");

    const bob = await native(uniqueUser("bob"));
    assert.equal(errorCode(await bob.request({ type: "irc.nick.set", network: "nicknet", name: chosen })), "GW_ERR_NICK_IN_USE");
    assert.equal(errorCode(await bob.request({ type: "irc.nick.set", network: "nicknet", name })), "GW_ERR_NICK_IN_USE", "the nick alice had before stays hers");

    assert.equal((await alice.ok({ type: "irc.nick.set", network: "nicknet", name: "" }))["nick"], before, "an empty name is the default again");
    await watcher.waitFor((line) => line.command === "NICK" && watcher.same(line.nick, `${chosen}[sb]`) && watcher.same(line.params[0], before), 10_000, "back to the default");
    assert.equal(errorCode(await bob.request({ type: "irc.nick.set", network: "nicknet", name: chosen })), "GW_ERR_NICK_IN_USE", "a nick alice left stays hers");
  });

  it("refuses a name that would be cut, one with nothing a nick can hold, and another bridge's nick", async () => {
    const carol = await native(uniqueUser("carol"));
    const refused = await carol.request({ type: "irc.nick.set", network: "nicknet", name: "a".repeat(27) });
    assert.equal(errorCode(refused), "GW_ERR_BAD_ADDRESS");
    assert.match(String(refused["message"]), /NICKLEN.*at most 26 characters/);
    assert.equal((await carol.ok({ type: "irc.nick.set", network: "nicknet", name: "c".repeat(26) }))["nick"], `${"c".repeat(26)}[sb]`, "one that fits whole is taken");
    assert.equal(errorCode(await carol.request({ type: "irc.nick.set", network: "nicknet", name: "!!! ???" })), "GW_ERR_BAD_ADDRESS");
    assert.equal(errorCode(await carol.request({ type: "irc.nick.set", network: "nicknet", name: "relaybot" })), "GW_ERR_FORBIDDEN");
    assert.equal(errorCode(await carol.request({ type: "irc.nick.set", network: "elsewhere", name: "carol" })), "GW_ERR_NO_ROUTE");
  });

  it("changes nothing when the server refuses the nick, and the nick is free for others once its holder leaves", async () => {
    const name = uniqueUser("dan");
    const dan = await native(name);
    assert.equal(await say(dan, "dan here"), `${name}[sb]`);
    const stranger = await IrcTestClient.connect(server, "squat[sb]", { timeoutMs: 10_000, username: "squat" });
    const refused = await dan.request({ type: "irc.nick.set", network: "nicknet", name: "squat" });
    assert.equal(errorCode(refused), "GW_ERR_NICK_IN_USE");
    assert.match(String(refused["message"]), /ERR_NICKNAMEINUSE/);
    assert.equal(await say(dan, "dan still here"), `${name}[sb]`);
    assert.deepEqual((await dan.ok({ type: "irc.nick.list" }))["nicks"], [{ network: "nicknet", nick: `${name}[sb]` }]);
    await stranger.quit();
    const eve = await native(uniqueUser("eve"));
    assert.equal((await eve.ok({ type: "irc.nick.set", network: "nicknet", name: "squat" }))["nick"], "squat[sb]", "a refused choice claimed nothing");
  });

  it("lets an XMPP user choose their nick with the ad-hoc command irc-nick, which their puppet takes at its first connect", async () => {
    const romeo = await XmppTestClient.newUser(prosody, uniqueUser("romeo"), PASSWORD);
    closers.push(() => romeo.stop());
    const chosen = uniqueUser("montague");
    const answer = await romeo.iq(
      xml("iq", { type: "set", to: prosody.componentDomain },
        xml("command", { xmlns: COMMANDS, node: "irc-nick", action: "complete", sessionid: "s1" },
          xml("x", { xmlns: "jabber:x:data", type: "submit" }, xml("field", { var: "network" }, xml("value", {}, "nicknet")), xml("field", { var: "name" }, xml("value", {}, chosen))))),
      20_000,
    );
    assert.equal(noteOf(answer), `Your puppet on nicknet is ${chosen}[sb] now.`);
    const room = `#pn%nicknet@${prosody.componentDomain}`;
    await romeo.send(xml("presence", { to: `${room}/Romeo` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await romeo.waitForPresence(`${room}/Romeo`, (stanza) => stanza.attrs["type"] === undefined, 15_000);
    await romeo.send(xml("message", { to: room, type: "groupchat" }, xml("body", {}, "romeo, by his own nick")));
    const line = await watcher.waitFor((candidate) => candidate.command === "PRIVMSG" && candidate.params[1] === "romeo, by his own nick", 15_000, "romeo's line in #pn");
    assert.equal(line.nick, `${chosen}[sb]`);
  });

  it("connects the puppet under the chosen nick after a restart of the daemon", async () => {
    const name = uniqueUser("fay");
    const fay = await native(name);
    assert.equal(await say(fay, "fay, by default"), `${name}[sb]`);
    const chosen = uniqueUser("fern");
    assert.equal((await fay.ok({ type: "irc.nick.set", network: "nicknet", name: chosen }))["nick"], `${chosen}[sb]`);
    await fay.close();
    await daemon.restart();
    await daemon.waitForLog(/IRC network online/, 15_000);
    const again = await native(name, false);
    assert.equal(await say(again, "after the restart"), `${chosen}[sb]`);
  });
});

function noteOf(answer: Element): string {
  return answer.getChild("command", COMMANDS)?.getChild("note")?.getText() ?? "";
}
