/**
 * The IRC adapter against a real ngIRCd started by the test: a channel bridged to a native room both ways,
 * queries both ways through puppets, /me, a long message split within the line limit, the CR LF injection
 * attempt, away status both ways, contacts online/offline by ISON, relay mode, and the server killed and
 * restarted mid-conversation with nothing lost, duplicated or reordered. The daemon reaches the server through
 * a TcpGate, so that after the restart the test's IRC users are back before the daemon may reconnect.
 * The tests of the suite run in order and build on each other.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient, pingBarrierAfter, pongTo, type IrcMessage } from "../helpers/irc-client.js";
import { startNgircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";
import { TcpGate } from "../helpers/tcp-gate.js";

const NETWORK = "testnet";

function message(frame: Frame): Record<string, unknown> {
  return frame["message"] as Record<string, unknown>;
}

/** A PRIVMSG (or NOTICE) to `target` from a nick, with its text. */
function said(line: IrcMessage, from: string, target: string, command = "PRIVMSG"): boolean {
  return line.command === command && line.nick?.toLowerCase() === from.toLowerCase() && line.params[0]?.toLowerCase() === target.toLowerCase();
}

/**
 * Joins `channel` as an ordinary member, after the gateway's connection (`sbgate`). Its JOIN goes through a TcpGate
 * and may reach the server after the client's own: the client would then have made the channel and hold its op,
 * which the tests do not expect of an IRC user. Then it waits for the gateway to come in, leaves and joins again.
 */
async function joinAfterGateway(client: IrcTestClient, channel: string): Promise<void> {
  const names = await client.join(channel);
  if (names.some((name) => client.same(name.replace(/^[~&@%+]+/, ""), "sbgate"))) return;
  await client.waitFor((line) => line.command === "JOIN" && client.same(line.nick, "sbgate") && client.same(line.params[0], channel), 15_000, `the gateway's JOIN of ${channel}`);
  client.send(`PART ${channel}`);
  await client.waitFor((line) => line.command === "PART" && client.same(line.nick, client.nick) && client.same(line.params[0], channel), 15_000, `the PART echo of ${channel}`);
  await client.join(channel);
}

describe("the IRC adapter against ngIRCd", function () {
  let server: IrcServer;
  let gate: TcpGate;
  let daemon: Daemon;
  let bob: IrcTestClient;
  let alice: NativeClient;
  const aliceName = uniqueUser("al");
  const puppet = `${aliceName}[sb]`;
  const clients: NativeClient[] = [];
  const ircClients: IrcTestClient[] = [];

  async function ircUser(nick: string): Promise<IrcTestClient> {
    const client = await IrcTestClient.connect(server, nick);
    ircClients.push(client);
    return client;
  }

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing ngIRCd on a fresh machine may take minutes
    server = await startNgircd();
    gate = await TcpGate.start(server.host, () => server.port);
    // bob opens #quiet (moderated) and #closed (bans every puppet) first, so that he is their operator.
    bob = await ircUser(uniqueUser("bob"));
    await bob.join("#quiet");
    await bob.join("#closed");
    bob.send("MODE #quiet +m");
    bob.send("MODE #closed +b *[sb]!*@*");
    await bob.waitFor((line) => line.command === "MODE" && line.params[0] === "#closed", 5000, "the ban set");
    daemon = Daemon.create(
      [
        "irc:",
        "  networks:",
        `    - name: ${NETWORK}`,
        "      host: 127.0.0.1",
        `      port: ${gate.port}`,
        "      nick: sbgate",
        "      channels:",
        '        - channel: "#dev"',
        "          room: dev",
        '        - channel: "#quiet"',
        "          room: quiet",
        '        - channel: "#closed"',
        "          room: closed",
        "      max_lines_per_message: 12",
        "      presence_poll_seconds: 5",
        "      presence_hold_seconds: 1", // offline is held (flap damping), briefly here
        "      membership:",
        "        leave_hold_seconds: 1",
        "      flood:",
        "        burst: 40",
        "        lines_per_second: 40",
        "      puppets:",
        "        connect_interval_ms: 0",
        `    - name: relaynet`,
        "      host: 127.0.0.1",
        `      port: ${server.port}`,
        "      nick: sbrelay",
        "      mode: relay",
        "      relay_format:",
        '        text: "[{network}] {name}: "',
        '        action: "{name} ({network}) "',
        "      channels:",
        '        - channel: "#relay"',
        "          room: relayroom",
      ].join("\n"),
    );
    await daemon.start();
    await daemon.waitForLog(/"network":"testnet".*IRC network online|IRC network online.*"network":"testnet"/);
    await daemon.waitForLog(/"network":"relaynet".*IRC network online|IRC network online.*"network":"relaynet"/);
    await joinAfterGateway(bob, "#dev");
    alice = await NativeClient.session(daemon.url, aliceName, PASSWORD, { register: true });
    clients.push(alice);
    // Where bob's first JOIN beat the gateway's, the room showed him as the channel's operator until the gateway
    // saw his rejoin, which may come after this answer: the tests expect the room to show him as IRC does.
    const bobAddress = `irc://${NETWORK}/${bob.nick.toLowerCase()}`;
    const dev = await alice.ok({ type: "room.join", room: "dev" });
    if ((dev["bridged_people"] as Frame[]).find((person) => person["address"] === bobAddress)?.["role"] !== "member") {
      await alice.waitForType("room.member", (frame) => (frame["member"] as Frame)["address"] === bobAddress && (frame["member"] as Frame)["role"] === "member", 15_000);
    }
  });

  afterEach(function () {
    if (process.env["DUMP"] && this.currentTest?.state === "failed") writeFileSync(process.env["DUMP"], daemon.log);
    if (process.env["DUMP"]) writeFileSync(process.env["DUMP"], daemon.log);
  });

  after(async function () {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all(ircClients.map((client) => client.quit()));
    await daemon?.dispose();
    await gate?.dispose();
    await server?.dispose();
  });

  it("bridges a channel and a native room both ways, each side seeing the other's name", async function () {
    bob.privmsg("#dev", "\x02\x03\x0f"); // formatting codes alone: nothing to show, not passed on
    bob.privmsg("#dev", "hello from IRC 👋 \x02bold\x02");
    const relayed = message(await alice.waitForType("message"));
    assert.deepEqual([relayed["from"], relayed["to"], relayed["sender_name"], relayed["body"], relayed["scope"]], [`irc://${NETWORK}/${bob.nick.toLowerCase()}`, "native:%23dev", bob.nick, "hello from IRC 👋 bold", "room"]);

    await alice.ok({ type: "room.send", room: "dev", body: "hello from native ✓" });
    const line = await bob.waitFor((candidate) => said(candidate, puppet, "#dev"), 10_000, "alice's puppet speaking in #dev");
    assert.equal(line.params[1], "hello from native ✓");
  });

  it("tells a native member who is in the bridged channel (bridged_people of room.join and room.members)", async function () {
    const carolName = uniqueUser("carol");
    const carol = await NativeClient.session(daemon.url, carolName, PASSWORD, { register: true });
    clients.push(carol);
    type Person = [unknown, unknown, unknown];
    const people = (answer: Frame): Person[] => (answer["bridged_people"] as Frame[]).map((person) => [person["address"], person["nick"], person["role"]]);
    const joined = people(await carol.ok({ type: "room.join", room: "dev" }));
    assert.deepEqual(joined.find(([address]) => address === `irc://${NETWORK}/${bob.nick.toLowerCase()}`), [`irc://${NETWORK}/${bob.nick.toLowerCase()}`, bob.nick, "member"]);
    assert.ok(!joined.some(([, nick]) => String(nick).toLowerCase() === puppet.toLowerCase() || nick === "sbgate"), `the gateway's own connections are not people of the channel: ${JSON.stringify(joined)}`);

    const dave = await ircUser(uniqueUser("dave"));
    await dave.join("#dev");
    await carol.waitForType("room.member", (frame) => frame["event"] === "joined" && (frame["member"] as Frame)["nick"] === dave.nick);
    const listed = people(await carol.ok({ type: "room.members", room: "dev" }));
    assert.deepEqual(listed.find(([, nick]) => nick === dave.nick), [`irc://${NETWORK}/${dave.nick.toLowerCase()}`, dave.nick, "member"]);
    await carol.ok({ type: "room.leave", room: "dev" });
  });

  it("carries /me both ways as CTCP ACTION", async function () {
    bob.privmsg("#dev", "\x01ACTION waves\x01");
    const action = message(await alice.waitForType("message"));
    assert.deepEqual([action["kind"], action["body"]], ["action", "waves"]);
    await alice.ok({ type: "room.send", room: "dev", body: "waves back", kind: "action" });
    const line = await bob.waitFor((candidate) => said(candidate, puppet, "#dev"));
    assert.equal(line.params[1], "\x01ACTION waves back\x01");
  });

  it("carries a query both ways between an IRC user and a native user's puppet", async function () {
    bob.privmsg(puppet, "psst, alice");
    const direct = message(await alice.waitForType("message"));
    assert.deepEqual([direct["scope"], direct["from"], direct["to"], direct["body"]], ["direct", `irc://${NETWORK}/${bob.nick.toLowerCase()}`, `native:${aliceName}`, "psst, alice"]);
    await alice.ok({ type: "message.send", to: `irc://${NETWORK}/${bob.nick}`, body: "psst yourself" });
    const line = await bob.waitFor((candidate) => said(candidate, puppet, bob.nick));
    assert.equal(line.params[1], "psst yourself");
    // Her own puppet is nobody to write to: refused at once, not sent into the gateway's own connection and lost.
    const toSelf = await alice.request({ type: "message.send", to: `irc://${NETWORK}/${puppet}`, body: "hello me" });
    assert.equal(toSelf["code"], "GW_ERR_UNKNOWN_RECIPIENT");
    assert.equal((await alice.request({ type: "message.send", to: `irc://${NETWORK}/sbgate`, body: "hello gateway" }))["code"], "GW_ERR_UNKNOWN_RECIPIENT");
  });

  it("reports a query to the sender's own puppet nick as failed, also when the puppet was not connected yet", async function () {
    const carlName = uniqueUser("carl");
    const carl = await NativeClient.session(daemon.url, carlName, PASSWORD, { register: true });
    try {
      const sent = await carl.ok({ type: "message.send", to: `irc://${NETWORK}/${carlName}[sb]`, body: "hello me" });
      const failed = await carl.waitForType("message.failed", (frame) => frame["message_id"] === sent["message_id"]);
      assert.equal(failed["code"], "GW_ERR_UNKNOWN_RECIPIENT");
      // The nick is his puppet's now: refused at once.
      assert.equal((await carl.request({ type: "message.send", to: `irc://${NETWORK}/${carlName}[sb]`, body: "hello again" }))["code"], "GW_ERR_UNKNOWN_RECIPIENT");
    } finally {
      await carl.close();
    }
  });

  it("tells a person whose nick fits the puppet template, once, that their lines are not relayed", async function () {
    const mimic = await IrcTestClient.connect(server, `${uniqueUser("mimic")}[sb]`, { username: "mimic" });
    ircClients.push(mimic);
    await mimic.join("#dev");
    mimic.privmsg("#dev", "can anyone hear me?");
    const notice = await mimic.waitFor((line) => said(line, "sbgate", mimic.nick, "NOTICE"), 10_000, "the gateway's NOTICE");
    assert.match(String(notice.params[1]), /not relayed.*<name>\[sb\].*Change your nick/);
    mimic.privmsg("#dev", "hello?");
    // bob's next line reaches the native room, and it is the first: neither of the mimic's did.
    bob.privmsg("#dev", "bob after the mimic");
    assert.equal(message(await alice.waitForType("message"))["body"], "bob after the mimic");
    mimic.send(`PING :after`);
    await mimic.waitFor((line) => line.command === "PONG" && line.params.includes("after"));
    assert.equal(mimic.transcript.filter((line) => said(line, "sbgate", mimic.nick, "NOTICE")).length, 1, "told once");
  });

  it("splits a 2,000-character message into lines that fit 512 bytes and reassemble exactly", async function () {
    const words: string[] = [];
    for (let i = 0; words.join(" ").length < 2000; i++) words.push(i % 7 === 0 ? `naïve-${i}-🙂` : i % 5 === 0 ? `日本語${i}` : `word${i}`);
    const body = words.join(" ").slice(0, 2000).trimEnd();
    await alice.ok({ type: "message.send", to: `irc://${NETWORK}/${bob.nick}`, body });
    const lines: IrcMessage[] = [];
    let received = "";
    while (received.replace(/ /g, "").length < body.replace(/ /g, "").length) {
      const line = await bob.waitFor((candidate) => said(candidate, puppet, bob.nick));
      lines.push(line);
      received += line.params[1] ?? "";
    }
    assert.ok(lines.length >= 4, `only ${lines.length} lines`);
    for (const line of lines) assert.ok(Buffer.byteLength(`${line.raw}\r\n`) <= 512, `a relayed line has ${Buffer.byteLength(line.raw) + 2} bytes`);
    assert.equal(lines.map((line) => line.params[1]).join(" ").replace(/ +/g, " "), body.replace(/ +/g, " "));
  });

  it("never lets CR LF through as a command: 'hi\\r\\nJOIN #evil' in a body, a topic and an away text", async function () {
    await bob.join("#evil");
    const injection = "hi\r\nJOIN #evil";
    await alice.ok({ type: "room.send", room: "dev", body: injection });
    await alice.ok({ type: "message.send", to: `irc://${NETWORK}/${bob.nick}`, body: injection });
    await alice.ok({ type: "room.subject", room: "dev", subject: injection });
    await alice.ok({ type: "presence.set", show: "away", status: injection });
    await alice.ok({ type: "message.send", to: `irc://${NETWORK}/${bob.nick}`, body: "sentinel" });
    await bob.waitFor((candidate) => said(candidate, puppet, bob.nick) && candidate.params[1] === "sentinel");
    const texts = bob.transcript.filter((line) => said(line, puppet, "#dev") || said(line, puppet, bob.nick)).map((line) => line.params[1]);
    assert.ok(texts.includes("hi") && texts.includes("JOIN #evil"), "the two lines arrive as text");
    assert.equal(bob.transcript.some((line) => line.command === "JOIN" && line.params[0] === "#evil" && line.nick !== bob.nick), false, "someone of the gateway joined #evil");
  });

  it("shows a native user's away as their puppet's AWAY, and back", async function () {
    await alice.ok({ type: "presence.set", show: "dnd", status: "in a meeting" });
    // ngIRCd has no away-notify: ask with WHOIS until the puppet's AWAY has reached the server (bounded).
    let awayText: string | undefined;
    for (const deadline = Date.now() + 5000; Date.now() < deadline && awayText !== "in a meeting"; ) {
      const mark = bob.transcript.length;
      bob.send(`WHOIS ${puppet}`);
      await bob.waitFor((line) => line.command === "318", 5000, "end of WHOIS");
      awayText = bob.transcript.slice(mark).find((line) => line.command === "301")?.params[2];
    }
    assert.equal(awayText, "in a meeting");
    await alice.ok({ type: "presence.set", show: "online" });
    await alice.ok({ type: "message.send", to: `irc://${NETWORK}/${bob.nick}`, body: "back now" });
    await bob.waitFor((candidate) => said(candidate, puppet, bob.nick) && candidate.params[1] === "back now");
    const mark = bob.transcript.length;
    bob.send(`WHOIS ${puppet}`);
    await bob.waitFor((line) => line.command === "318", 5000, "end of WHOIS");
    const whois = bob.transcript.slice(mark);
    assert.ok(whois.some((line) => line.command === "311"), "WHOIS answered");
    assert.equal(whois.some((line) => line.command === "301" && line.params[1]?.toLowerCase() === puppet.toLowerCase()), false, "the puppet is still away");
  });

  it("shows an IRC contact's status: online (ISON), away (WHO, then WHOIS for the message) and offline", async function () {
    const carolNick = uniqueUser("carol");
    const carolAddress = `irc://${NETWORK}/${carolNick.toLowerCase()}`;
    await alice.ok({ type: "contact.add", address: carolAddress });
    await alice.ok({ type: "presence.subscribe", address: carolAddress });
    const carol = await ircUser(carolNick);
    const online = await alice.waitForType("presence", (frame) => frame["from"] === carolAddress && frame["show"] === "online", 15_000);
    assert.equal(online["status"], "");
    carol.send("AWAY :making tea");
    const away = await alice.waitForType("presence", (frame) => frame["from"] === carolAddress && frame["show"] === "away", 15_000);
    assert.equal(away["status"], "making tea");
    await carol.quit();
    await alice.waitForType("presence", (frame) => frame["from"] === carolAddress && frame["show"] === "offline", 15_000);
  });

  it("shows IRC joins, nick changes, parts and topics in the native room", async function () {
    const daveNick = uniqueUser("dave");
    const dave = await ircUser(daveNick);
    await dave.join("#dev");
    const joined = await alice.waitForType("room.member", (frame) => (frame["member"] as Record<string, unknown>)["nick"] === daveNick);
    assert.deepEqual([joined["room"], joined["event"], (joined["member"] as Record<string, unknown>)["address"]], ["native:%23dev", "joined", `irc://${NETWORK}/${daveNick.toLowerCase()}`]);
    const renamed = `${daveNick}z`;
    dave.send(`NICK ${renamed}`);
    // One change, not a leave and a join: the member now, and who they were.
    const nickOf = (frame: Record<string, unknown>, field: string): unknown => (frame[field] as Record<string, unknown> | undefined)?.["nick"];
    const change = await alice.waitForType("room.member", (frame) => nickOf(frame, "member") === renamed || (frame["event"] === "left" && nickOf(frame, "member") === daveNick));
    assert.equal(change["event"], "renamed", JSON.stringify(change));
    assert.deepEqual(change["member"], { address: `irc://${NETWORK}/${renamed.toLowerCase()}`, nick: renamed, role: "member" });
    assert.deepEqual(change["previous"], { address: `irc://${NETWORK}/${daveNick.toLowerCase()}`, nick: daveNick, role: "member" });
    dave.send("TOPIC #dev :Release on Friday ✨");
    const subject = await alice.waitForType("room.subject", (frame) => frame["subject"] === "Release on Friday ✨");
    assert.equal(subject["by"], `irc://${NETWORK}/${renamed.toLowerCase()}`);
    const rooms = (await alice.ok({ type: "room.list" }))["rooms"] as Record<string, unknown>[];
    assert.equal(rooms.find((room) => room["address"] === "native:%23dev")?.["subject"], "Release on Friday ✨", "the subject is stored");
    dave.send("PART #dev :bye");
    await alice.waitForType("room.member", (frame) => frame["event"] === "left" && (frame["member"] as Record<string, unknown>)["nick"] === renamed);
  });

  it("reports a query to a nick nobody has (ERR_NOSUCHNICK) to its sender as failed", async function () {
    const sent = await alice.ok({ type: "message.send", to: `irc://${NETWORK}/nobody${process.pid}`, body: "anyone there?" });
    const failed = await alice.waitForType("message.failed", (frame) => frame["message_id"] === sent["message_id"], 10_000);
    assert.equal(failed["to"], `irc://${NETWORK}/nobody${process.pid}`);
    assert.match(String(failed["reason"]), /no such nick/i);
  });

  it("reports each of two queries sent at once to an absent nick as failed, not one of them twice and the other not at all", async function () {
    const to = `irc://${NETWORK}/gone${process.pid}`;
    const [first, second] = await Promise.all([alice.ok({ type: "message.send", to, body: "one" }), alice.ok({ type: "message.send", to, body: "two" })]);
    const ids = [first["message_id"], second["message_id"]];
    const failed = await Promise.all(ids.map((id) => alice.waitForType("message.failed", (frame) => frame["message_id"] === id, 10_000)));
    assert.deepEqual(
      failed.map((frame) => [frame["to"], frame["code"]]),
      [
        [to, "GW_ERR_UNAVAILABLE"],
        [to, "GW_ERR_UNAVAILABLE"],
      ],
    );
  });

  it("reports a room message refused by the channel (moderated, banned) to its sender as failed", async function () {
    await alice.ok({ type: "room.join", room: "quiet" });
    const sent = await alice.ok({ type: "room.send", room: "quiet", body: "may I speak?" });
    const refused = await alice.waitForType("message.failed", (frame) => frame["message_id"] === sent["message_id"], 10_000);
    assert.deepEqual([refused["to"], refused["code"]], [`irc://${NETWORK}/%23quiet`, "GW_ERR_FORBIDDEN"]);

    await alice.ok({ type: "room.join", room: "closed" });
    const banned = await alice.ok({ type: "room.send", room: "closed", body: "let me in" });
    const failed = await alice.waitForType("message.failed", (frame) => frame["message_id"] === banned["message_id"], 10_000);
    assert.equal(failed["code"], "GW_ERR_FORBIDDEN");
    assert.match(String(failed["reason"]), /ban/i);
  });

  it("in relay mode, speaks for everyone through one connection, each line and action prefixed as relay_format says", async function () {
    const watcher = await ircUser(uniqueUser("watch"));
    await watcher.join("#relay");
    await alice.ok({ type: "room.join", room: "relayroom" });
    await alice.ok({ type: "room.send", room: "relayroom", body: "through the relay" });
    const line = await watcher.waitFor((candidate) => said(candidate, "sbrelay", "#relay"), 10_000);
    assert.equal(line.params[1], `[native] ${aliceName}: through the relay`);
    await alice.ok({ type: "room.send", room: "relayroom", body: "waves", kind: "action" });
    const action = await watcher.waitFor((candidate) => said(candidate, "sbrelay", "#relay") && candidate.params[1] !== line.params[1], 10_000);
    assert.equal(action.params[1], `\x01ACTION ${aliceName} (native) waves\x01`);
    // Nobody has a nick of their own there to write from: a query is refused at once, not reported failed after its ok.
    const query = await alice.request({ type: "message.send", to: `irc://relaynet/${watcher.nick}`, body: "psst" });
    assert.deepEqual([query["type"], query["code"]], ["error", "GW_ERR_NO_ROUTE"]);
  });

  it("loses, duplicates and reorders nothing when the IRC server is killed and restarted mid-conversation", async function () {
    this.timeout(60_000);
    const before = ["before 1", "before 2"];
    for (const body of before) await alice.ok({ type: "room.send", room: "dev", body });
    for (const body of before) await bob.waitFor((candidate) => said(candidate, puppet, "#dev") && candidate.params[1] === body);
    // Once the PING barrier behind "before 2" reached the server and its PONG came back through the gate, bob
    // answers the puppet: his line reaches the daemon on the puppet's connection after the PONG, so the daemon
    // knows the server has "before 2" (else it would send it again after the restart: docs/irc.md).
    const ping = await gate.oneClientWrote(pingBarrierAfter("before 2"));
    await gate.serverWrote(pongTo(ping[1] ?? ""));
    bob.privmsg(puppet, "got them");
    await alice.waitForType("message", (frame) => message(frame)["body"] === "got them", 10_000);

    gate.close();
    await server.kill();
    await daemon.waitForLog(/IRC connection lost/);
    const during = ["during 1", "during 2", "during 3"];
    for (const body of during) {
      await alice.ok({ type: "room.send", room: "dev", body });
      await alice.ok({ type: "message.send", to: `irc://${NETWORK}/${bob.nick}`, body: `${body} (query)` });
    }
    await server.start();
    const bobAgain = await ircUser(bob.nick);
    await bobAgain.join("#dev");
    gate.reopen();

    await bobAgain.waitFor((candidate) => said(candidate, puppet, bob.nick) && candidate.params[1] === "during 3 (query)", 30_000, "the last query after the restart");
    await alice.ok({ type: "room.send", room: "dev", body: "after" });
    await bobAgain.waitFor((candidate) => said(candidate, puppet, "#dev") && candidate.params[1] === "after", 10_000);
    const inRoom = bobAgain.transcript.filter((line) => said(line, puppet, "#dev")).map((line) => line.params[1]);
    const inQuery = bobAgain.transcript.filter((line) => said(line, puppet, bobAgain.nick)).map((line) => line.params[1]);
    assert.deepEqual(inRoom, [...during, "after"]);
    assert.deepEqual(inQuery, during.map((body) => `${body} (query)`));
  });
});
