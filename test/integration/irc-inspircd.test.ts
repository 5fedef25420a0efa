/**
 * The IRC adapter against a real InspIRCd with its IRCv3 modules: a contact's online and offline status
 * through MONITOR, their away message through away-notify (extended-monitor: no shared channel needed), and a
 * native user's away seen by IRC users through away-notify on their puppet. InspIRCd holds each registration
 * about a second, so this suite keeps to four connections.
 */
import assert from "node:assert/strict";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { IrcTestClient } from "../helpers/irc-client.js";
import { startInspircd, type IrcServer } from "../helpers/irc-servers.js";
import { NativeClient } from "../helpers/native-client.js";

const NETWORK = "inspnet";

describe("the IRC adapter against InspIRCd (MONITOR, away-notify)", function () {
  let server: IrcServer;
  let daemon: Daemon;
  let alice: NativeClient;
  const aliceName = uniqueUser("al");
  const ircClients: IrcTestClient[] = [];

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing InspIRCd on a fresh machine may take minutes
    server = await startInspircd();
    daemon = Daemon.create(
      [
        "irc:",
        "  networks:",
        `    - name: ${NETWORK}`,
        "      host: 127.0.0.1",
        `      port: ${server.port}`,
        "      nick: sbgate",
        "      presence_poll_seconds: 3600", // MONITOR and away-notify push: no polling needed
        "      presence_hold_seconds: 1", // offline is held (flap damping), briefly here
        "      channels:",
        '        - channel: "#dev"',
        "          room: dev",
      ].join("\n"),
    );
    await daemon.start();
    await daemon.waitForLog(/IRC network online/);
    alice = await NativeClient.session(daemon.url, aliceName, PASSWORD, { register: true });
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(daemon.log.slice(-4000));
  });

  after(async function () {
    await alice?.close();
    await Promise.all(ircClients.map((client) => client.quit()));
    await daemon?.dispose();
    await server?.dispose();
  });

  it("shows a contact online, away with their message, back and offline, pushed by the server", async function () {
    const carolNick = uniqueUser("carol");
    const carolAddress = `irc://${NETWORK}/${carolNick.toLowerCase()}`;
    await alice.ok({ type: "contact.add", address: carolAddress });
    await alice.ok({ type: "presence.subscribe", address: carolAddress });
    // The subscription is approved at once (IRC has no consent) and the gateway MONITORs carol: a MONITOR
    // sent after she connects is answered with RPL_MONONLINE at once, so there is no race to avoid.

    const carol = await IrcTestClient.connect(server, carolNick);
    ircClients.push(carol);
    await alice.waitForType("presence", (frame) => frame["from"] === carolAddress && frame["show"] === "online", 10_000);
    carol.send("AWAY :out for lunch");
    const away = await alice.waitForType("presence", (frame) => frame["from"] === carolAddress && frame["show"] === "away", 10_000);
    assert.equal(away["status"], "out for lunch");
    carol.send("AWAY");
    await alice.waitForType("presence", (frame) => frame["from"] === carolAddress && frame["show"] === "online", 10_000);
    await carol.quit();
    await alice.waitForType("presence", (frame) => frame["from"] === carolAddress && frame["show"] === "offline", 10_000);
  });

  it("shows IRC users a native user's away on their puppet through away-notify", async function () {
    const bob = await IrcTestClient.connect(server, uniqueUser("bob"), { caps: ["away-notify"] });
    ircClients.push(bob);
    await bob.join("#dev");
    await alice.ok({ type: "room.join", room: "dev" });
    await alice.ok({ type: "room.send", room: "dev", body: "hi all" });
    const puppet = `${aliceName}[sb]`;
    await bob.waitFor((line) => line.command === "PRIVMSG" && line.nick?.toLowerCase() === puppet.toLowerCase(), 10_000, "alice's puppet speaking");
    await alice.ok({ type: "presence.set", show: "xa", status: "on holiday" });
    const away = await bob.waitFor((line) => line.command === "AWAY" && line.nick?.toLowerCase() === puppet.toLowerCase(), 10_000, "the puppet's AWAY");
    assert.equal(away.params[0], "on holiday");
    await alice.ok({ type: "presence.set", show: "chat" });
    const back = await bob.waitFor((line) => line.command === "AWAY" && line.nick?.toLowerCase() === puppet.toLowerCase(), 10_000, "the puppet back");
    assert.equal(back.params.length, 0);
  });
});
