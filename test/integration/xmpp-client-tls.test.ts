/**
 * Client mode over TLS against a real Prosody with a self-signed certificate for "localhost": the bridge bot
 * upgrades with STARTTLS, a linked account uses direct TLS (xmpps://, XEP-0368), and both verify the server's
 * certificate: trusted through NODE_EXTRA_CA_CERTS they work, untrusted the login fails before any password
 * is offered.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { xml } from "@xmpp/client";
import { Daemon, uniqueUser } from "../helpers/daemon.js";
import { PASSWORD } from "../helpers/gateway-fixture.js";
import { NativeClient } from "../helpers/native-client.js";
import { startProsody, type ProsodyServer } from "../helpers/servers.js";
import { XmppTestClient } from "../helpers/xmpp-client.js";

const BOT_PASSWORD = "bot secret over tls";
const ACCOUNT_PASSWORD = "account secret over tls";

function botConfig(service: string): string {
  return [
    "xmpp:",
    "  bots:",
    "    - account: bridge",
    "      jid: tlsbot@localhost",
    "      password: ${BOT_PASSWORD}",
    `      service: ${service}`,
    "      rooms:",
    "        - muc: tls@conference.localhost",
    "          nick: switchboard",
    "          room: tls",
    "  user_accounts:",
    "    enabled: true",
    "    credential_key: ${KEY}",
    "    internal_hosts: [127.0.0.1]",
  ].join("\n");
}

/** The JSON log line with this message, parsed. */
function logLine(log: string, message: string): Record<string, unknown> {
  const line = log.split("\n").find((candidate) => candidate.includes(`"msg":"${message}"`));
  assert.ok(line !== undefined, `no "${message}" line in the daemon's log`);
  return JSON.parse(line) as Record<string, unknown>;
}

describe("XMPP client mode over TLS against Prosody", function () {
  let prosody: ProsodyServer;
  let tls: NonNullable<ProsodyServer["tls"]>;
  const daemons: Daemon[] = [];
  const clients: NativeClient[] = [];

  async function daemonWith(service: string, env: NodeJS.ProcessEnv): Promise<Daemon> {
    const daemon = Daemon.create(botConfig(service));
    daemons.push(daemon);
    await daemon.start({ BOT_PASSWORD, KEY: randomBytes(32).toString("hex"), ...env });
    return daemon;
  }

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing Prosody on a fresh machine may take minutes
    prosody = await startProsody({ tls: true, users: [{ name: "tlsbot", password: BOT_PASSWORD }, { name: "tlsuser", password: ACCOUNT_PASSWORD }] });
    assert.ok(prosody.tls !== undefined);
    tls = prosody.tls;
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") for (const daemon of daemons) console.log(daemon.log.slice(-3000));
    if (this.currentTest?.state === "failed") console.log(prosody.log().slice(-3000));
  });

  after(async function () {
    await Promise.all(clients.map((client) => client.close()));
    for (const daemon of daemons) await daemon.dispose();
    await prosody?.dispose();
  });

  it("bridges a MUC through a bot that logged in with STARTTLS, and a linked account over direct TLS", async function () {
    const daemon = await daemonWith(`xmpp://localhost:${prosody.c2sPort}`, { NODE_EXTRA_CA_CERTS: tls.certificateFile });
    await daemon.waitForLog(/XMPP bot online/);
    assert.equal(logLine(daemon.log, "XMPP bot online")["encrypted"], true, "the bot's stream is encrypted");

    const julietName = uniqueUser("juliet");
    await prosody.register(julietName, PASSWORD);
    const juliet = await XmppTestClient.connect(prosody, julietName, PASSWORD);
    await juliet.sendPresence();
    await juliet.send(xml("presence", { to: "tls@conference.localhost/Juliet" }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await juliet.waitForPresence("tls@conference.localhost/Juliet");
    const romeo = await NativeClient.session(daemon.url, uniqueUser("romeo"), PASSWORD, { register: true });
    clients.push(romeo);
    await romeo.ok({ type: "room.join", room: "tls" });
    await juliet.sendMessage("tls@conference.localhost", "sealed 🔒", "groupchat");
    const relayed = (await romeo.waitForType("message"))["message"] as Record<string, unknown>;
    assert.deepEqual([relayed["sender_name"], relayed["body"]], ["Juliet", "sealed 🔒"]);

    const linked = await romeo.request({ type: "xmpp.link", jid: "tlsuser@localhost", password: ACCOUNT_PASSWORD, service: `xmpps://127.0.0.1:${tls.directTlsPort}` }, 15_000);
    assert.equal(linked["type"], "ok", JSON.stringify(linked));
    // The log line may reach us a moment after the answer: both come from the daemon, on different pipes.
    await daemon.waitForLog(/XMPP account online/);
    assert.equal(logLine(daemon.log, "XMPP account online")["encrypted"], true, "the linked account's stream is encrypted");
    await juliet.stop();
  });

  it("refuses a server whose certificate it cannot verify, before offering any password", async function () {
    const logins = (): number => prosody.log().split("Authenticated as").length;
    const loginsBefore = logins();
    assert.ok(loginsBefore > 1, "Prosody logs each login (the first test logged in)");
    const daemon = await daemonWith(`xmpp://localhost:${prosody.c2sPort}`, {});
    await daemon.waitForLog(/self-signed certificate.*adapter down; restarting after backoff/);
    const alice = await NativeClient.session(daemon.url, uniqueUser("alice"), PASSWORD, { register: true });
    clients.push(alice);
    const refused = await alice.request({ type: "xmpp.link", jid: "tlsuser@localhost", password: ACCOUNT_PASSWORD, service: `xmpps://127.0.0.1:${tls.directTlsPort}` }, 15_000);
    assert.equal(refused["code"], "GW_ERR_UNAVAILABLE");
    assert.match(String(refused["message"]), /self-signed certificate/);
    assert.equal(daemon.log.includes("XMPP bot online"), false);
    assert.equal(logins(), loginsBefore, "Prosody saw a login");
  });
});
