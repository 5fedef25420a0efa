/**
 * IRC links bound to services accounts, against a real InspIRCd 3 linked to Atheme 7.2: a nick logged in to
 * its NickServ account is linked with that account recorded; while it is logged out, or after another
 * connection took the nick without the account, it is not the person (her presence leaves it out, a message to
 * her does not go there, its messages carry no `person`), and once logged in again it is the person again.
 * A network with `link_accounts: required` refuses to link a nick that is not logged in, and takes the same
 * code once it is.
 *
 * The linked nick shares a bridged channel with the gateway, so logins and logouts reach the gateway at once
 * (account-notify); a nick taken over is asked about with WHOIS when MONITOR says it is back.
 */
import { strict as assert } from "node:assert";
import { registerWithNickServ, startAtheme, type Atheme } from "../helpers/atheme.js";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient, type IrcMessage } from "../helpers/irc-client.js";
import { startInspircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient, type Frame } from "../helpers/native-client.js";

/** Installing InspIRCd and atheme-services on a fresh machine may take minutes; start-up itself is bounded. */
const INSTALL_TIMEOUT_MS = 11 * 60 * 1000;
const SERVICES = { name: "services.switchboard.test", password: "link-secret-42" };
const CODE = /([A-Z2-9]{4}-[A-Z2-9]{4})/;
const NICK_PASSWORD = "n1ck-Pass-word";

describe("IRC links bound to services accounts (InspIRCd with Atheme)", function () {
  this.timeout(60_000);
  let server: IrcServer;
  let atheme: Atheme;
  let daemon: Daemon;
  const closers: Array<() => Promise<unknown>> = [];

  before(async function () {
    this.timeout(INSTALL_TIMEOUT_MS);
    server = await startInspircd({ services: SERVICES });
    atheme = await startAtheme(server);
    const network = (name: string, nick: string, extra: readonly string[]): string[] => [
      `    - name: ${name}`,
      "      host: 127.0.0.1",
      `      port: ${server.port}`,
      `      nick: ${nick}`,
      "      presence_poll_seconds: 3600",
      "      flood: { burst: 50, lines_per_second: 50 }",
      ...extra.map((line) => `      ${line}`),
    ];
    daemon = Daemon.create(
      [
        "irc:",
        "  networks:",
        ...network("acctnet", "sbgate", ["channels:", '  - channel: "#acct"', "    room: acct"]),
        ...network("reqnet", "sbreq", ["link_accounts: required"]),
      ].join("\n"),
    );
    await daemon.start();
    await daemon.waitForLog(/"network":"acctnet"[^\n]*IRC network online/, 15_000);
    await daemon.waitForLog(/"network":"reqnet"[^\n]*IRC network online/, 15_000);
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
  });

  async function native(prefix: string): Promise<{ client: NativeClient; name: string }> {
    const name = uniqueUser(prefix);
    const client = await NativeClient.session(daemon.url, name, PASSWORD, { register: true });
    closers.push(() => client.close());
    return { client, name };
  }

  async function ircUser(nick: string): Promise<IrcTestClient> {
    const client = await IrcTestClient.connect(server, nick, { timeoutMs: 10_000 });
    closers.push(() => client.quit());
    return client;
  }

  const fromGateway = (client: IrcTestClient, gateway: string, text: RegExp): Promise<IrcMessage> =>
    client.waitFor((line) => line.command === "NOTICE" && client.same(line.nick, gateway) && text.test(line.params[1] ?? ""), 10_000, `a NOTICE from ${gateway} matching ${String(text)}`);

  /** Asks for a link of `nick` from alice's session and sends the code back from the nick; resolves with the code. */
  async function sendCode(alice: NativeClient, client: IrcTestClient, network: string, gateway: string): Promise<string> {
    await alice.ok({ type: "identity.link", address: `irc://${network}/${client.nick.toLowerCase()}` });
    const notice = await fromGateway(client, gateway, CODE);
    const code = CODE.exec(notice.params[1] ?? "")?.[1] ?? assert.fail("no code in the NOTICE");
    client.privmsg(gateway, code);
    return code;
  }

  const messageOf = (frame: Frame): Record<string, unknown> => frame["message"] as Record<string, unknown>;

  it("counts a nick as its person only while it is logged in to the account it was linked with", async () => {
    const { client: alice, name: aliceName } = await native("alice");
    const { client: carol, name: carolName } = await native("carol");
    const aliceAddress = `native:${aliceName}`;
    await carol.ok({ type: "presence.subscribe", address: aliceAddress });
    await alice.ok({ type: "presence.approve", address: `native:${carolName}` });
    // Each wait below takes the next change of alice's presence, so none may be left over: online, then xa.
    await carol.waitForType("presence", (frame) => frame["from"] === aliceAddress && frame["show"] === "online", 10_000);
    await alice.ok({ type: "presence.set", show: "xa", status: "asleep" });
    await carol.waitForType("presence", (frame) => frame["from"] === aliceAddress && frame["show"] === "xa", 10_000);

    const nick = uniqueUser("an");
    const irc = await ircUser(nick);
    await registerWithNickServ(irc, NICK_PASSWORD, `${nick}@switchboard.test`);
    await irc.join("#acct");
    const address = `irc://acctnet/${nick.toLowerCase()}`;
    await sendCode(alice, irc, "acctnet", "sbgate");
    const linked = await fromGateway(irc, "sbgate", /now linked/);
    assert.match(linked.params[1] ?? "", new RegExp(`logged in to the account ${nick}`, "i"));
    await alice.waitForType("identity.linked", (frame) => frame["address"] === address, 10_000);
    const links = (await alice.ok({ type: "identity.list" }))["links"] as Record<string, unknown>[];
    assert.deepEqual(
      links.map((link) => [link["address"], String(link["account"]).toLowerCase(), link["counts"]]),
      [[address, nick.toLowerCase(), true]],
      "the account is recorded, and the logged-in nick counts as alice",
    );
    // Logged in: the nick is alice. Her presence is its presence (online beats her native xa) ...
    await carol.waitForType("presence", (frame) => frame["from"] === aliceAddress && frame["show"] === "online", 10_000);
    // ... and its messages carry her. (carol writes first, so that her puppet exists to answer.)
    await carol.ok({ type: "message.send", to: address, body: "hello nick" });
    const puppet = (await irc.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "hello nick", 15_000)).nick ?? "";
    irc.privmsg(puppet, "it's me, alice");
    const asAlice = messageOf(await carol.waitForType("message", (frame) => messageOf(frame)["body"] === "it's me, alice", 10_000));
    assert.deepEqual([asAlice["from"], asAlice["person"]], [address, aliceAddress]);

    // Logged out: a stranger with that nick.
    irc.privmsg("NickServ", "LOGOUT");
    await carol.waitForType("presence", (frame) => frame["from"] === aliceAddress && frame["show"] === "xa", 10_000);
    irc.privmsg(puppet, "still alice?");
    const stranger = messageOf(await carol.waitForType("message", (frame) => messageOf(frame)["body"] === "still alice?", 10_000));
    assert.equal(stranger["from"], address);
    assert.equal(stranger["person"], undefined, "no person on a message from a nick logged out of its account");
    const listedOut = (await alice.ok({ type: "identity.list" }))["links"] as Record<string, unknown>[];
    assert.deepEqual(listedOut.map((link) => link["counts"]), [false], "identity.list says the logged-out link does not count now");
    await carol.ok({ type: "message.send", to: aliceAddress, body: "for alice only (1)" });
    const kept = messageOf(await alice.waitForType("message", (frame) => messageOf(frame)["body"] === "for alice only (1)", 10_000));
    assert.equal(kept["from"], `native:${carolName}`, "her sessions got it: most_available picks one address, and the nick is none of hers now");

    // Logged in again: alice again.
    irc.privmsg("NickServ", `IDENTIFY ${NICK_PASSWORD}`);
    await carol.waitForType("presence", (frame) => frame["from"] === aliceAddress && frame["show"] === "online", 10_000);
    await carol.ok({ type: "message.send", to: aliceAddress, body: "for alice, on IRC" });
    await irc.waitFor((line) => line.command === "PRIVMSG" && line.params[1] === "for alice, on IRC", 10_000);

    // Another connection takes the nick without the account: a stranger too.
    await irc.quit();
    await carol.waitForType("presence", (frame) => frame["from"] === aliceAddress && frame["show"] === "xa", 10_000);
    const impostor = await ircUser(nick);
    await impostor.join("#acct");
    impostor.privmsg(puppet, "it's me, alice, honest");
    const taken = messageOf(await carol.waitForType("message", (frame) => messageOf(frame)["body"] === "it's me, alice, honest", 10_000));
    assert.deepEqual([taken["from"], taken["person"]], [address, undefined]);
    await carol.ok({ type: "message.send", to: aliceAddress, body: "for alice only (2)" });
    await alice.waitForType("message", (frame) => messageOf(frame)["body"] === "for alice only (2)", 10_000);
    assert.equal(impostor.take((line) => line.command === "PRIVMSG" && /for alice only/.test(line.params[1] ?? "")).length, 0);
    assert.match(daemon.log, /linked account not logged in to its account/);
  });

  it("with link_accounts: required, refuses a nick that is not logged in and links it once it is", async () => {
    const { client: alice } = await native("alice");
    const nick = uniqueUser("rn");
    const irc = await ircUser(nick);
    const code = await sendCode(alice, irc, "reqnet", "sbreq");
    await fromGateway(irc, "sbreq", /not linked: .*not logged in to a services account/);
    assert.deepEqual((await alice.ok({ type: "identity.list" }))["links"], [], "nothing linked");

    await registerWithNickServ(irc, NICK_PASSWORD, `${nick}@switchboard.test`);
    irc.privmsg("sbreq", code);
    await fromGateway(irc, "sbreq", /now linked/);
    const links = (await alice.ok({ type: "identity.list" }))["links"] as Record<string, unknown>[];
    assert.equal(String(links[0]?.["account"]).toLowerCase(), nick.toLowerCase());
  });
});
