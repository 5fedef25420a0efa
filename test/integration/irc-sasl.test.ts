/**
 * SASL against real services: a test InspIRCd 3 linked to Atheme 7.2 (test/helpers/atheme.ts), which answers
 * every AUTHENTICATE through InspIRCd's m_sasl. IrcConnection logs in with PLAIN (an account registered through
 * NickServ at the start) and with EXTERNAL (a TLS client certificate whose fingerprint the account holds), is
 * refused with GW_ERR_AUTH_FAILED for a wrong password or an unknown certificate and never registers then, and
 * the daemon configured with `sasl: PLAIN` and its password from the environment logs its own connection in.
 * A login is checked the way other users see it: WHOIS shows RPL_WHOISACCOUNT (330) "is logged into <account>".
 *
 * One InspIRCd and one Atheme for the whole file; InspIRCd holds each registration about a second, so there
 * are five registrations in all (the watcher, PLAIN, EXTERNAL, the daemon; refusals end before registration).
 */
import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IrcConnection, type IrcConnectionOptions, type IrcTlsOptions } from "../../src/adapters/irc/irc-connection.js";
import { GatewayError } from "../../src/core/errors.js";
import { createLogger } from "../../src/core/logger.js";
import { registerWithNickServ, startAtheme, type Atheme } from "../helpers/atheme.js";
import { selfSignedCertificate, type TestCertificate } from "../helpers/certificates.js";
import { trackDirectory, untrackDirectory } from "../helpers/child-registry.js";
import { Daemon } from "../helpers/daemon.js";
import { IrcTestClient } from "../helpers/irc-client.js";
import { startInspircd, type IrcServer } from "../helpers/irc-servers.js";

/** Installing InspIRCd and atheme-services on a fresh machine may take minutes; start-up itself is bounded. */
const INSTALL_TIMEOUT_MS = 11 * 60 * 1000;
const SERVICES = { name: "services.switchboard.test", password: "link-secret-42" };
/** Registered through NickServ by the watcher in `before`: the watcher's nick is the account. */
const WATCHER = { nick: "sbwatch", password: "w4tcher-Pass" };
/** Written into Atheme's database before it starts. */
const GATEWAY_ACCOUNT = { name: "gatewayacct", password: "g4te-Pässwörd" };
const CERT_ACCOUNT = "certacct";
const log = createLogger("silent");

function optionsFor(server: IrcServer, nick: string, extra: Partial<IrcConnectionOptions> = {}): IrcConnectionOptions {
  return {
    host: server.host,
    port: server.port,
    nick,
    username: "sb",
    realname: "Switchboard SASL test",
    fallbackEncoding: "windows-1252",
    flood: { burst: 100, linesPerSecond: 100 },
    connectTimeoutMs: 8000,
    log,
    ...extra,
  };
}

/** The certificate's fingerprint as InspIRCd reports it to services: SHA-256, lower-case hex without colons. */
function fingerprint(certificate: TestCertificate): string {
  return new X509Certificate(readFileSync(certificate.certificateFile)).fingerprint256.replace(/:/g, "").toLowerCase();
}

/** WHOIS `nick` from the watcher: whether the nick is on the server and the account it is logged into. */
async function whois(watcher: IrcTestClient, nick: string): Promise<{ online: boolean; account: string | undefined }> {
  watcher.send(`WHOIS ${nick}`);
  await watcher.waitFor((line) => line.command === "318" && watcher.same(line.params[1], nick), 5000, `the end of WHOIS ${nick} (318)`);
  const replies = watcher.take((line) => /^\d{3}$/.test(line.command) && watcher.same(line.params[1], nick));
  const account = replies.find((line) => line.command === "330");
  return { online: replies.some((line) => line.command === "311"), account: account?.params[2] };
}

async function rejectsWith(promise: Promise<unknown>, code: GatewayError["code"]): Promise<GatewayError> {
  let caught: unknown;
  await promise.then(
    () => assert.fail(`expected a rejection with ${code}`),
    (error: unknown) => (caught = error),
  );
  assert.ok(caught instanceof GatewayError, `expected a GatewayError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

describe("SASL against InspIRCd linked to Atheme services", function () {
  let server: IrcServer;
  let atheme: Atheme;
  let watcher: IrcTestClient;
  let certDir: string;
  let known: TestCertificate;
  let unknown: TestCertificate;
  const connections: IrcConnection[] = [];
  let daemon: Daemon | undefined;

  before(async function () {
    this.timeout(INSTALL_TIMEOUT_MS);
    certDir = mkdtempSync(join(tmpdir(), "switchboard-sasl-certs-"));
    trackDirectory(certDir);
    mkdirSync(join(certDir, "known"));
    mkdirSync(join(certDir, "unknown"));
    [known, unknown] = await Promise.all([
      selfSignedCertificate(join(certDir, "known"), { dns: ["sbgate.switchboard.test"] }),
      selfSignedCertificate(join(certDir, "unknown"), { dns: ["stranger.switchboard.test"] }),
    ]);
    server = await startInspircd({ services: SERVICES, tls: true, clientCertificates: true });
    atheme = await startAtheme(server, {
      accounts: [GATEWAY_ACCOUNT, { name: CERT_ACCOUNT, password: "unused-Pass1", certificateFingerprints: [fingerprint(known)] }],
    });
    watcher = await IrcTestClient.connect(server, WATCHER.nick);
    await registerWithNickServ(watcher, WATCHER.password, `${WATCHER.nick}@switchboard.test`);
  });

  afterEach(function () {
    for (const connection of connections.splice(0)) connection.destroy();
    if (this.currentTest?.state === "failed") {
      console.log(`--- atheme ---\n${atheme?.log().slice(-3000) ?? ""}\n--- inspircd ---\n${server?.log().slice(-3000) ?? ""}`);
      if (daemon) console.log(`--- daemon ---\n${daemon.log.slice(-3000)}`);
    }
  });

  after(async function () {
    await daemon?.dispose();
    await watcher?.quit();
    await atheme?.dispose();
    await server?.dispose();
    if (certDir) {
      rmSync(certDir, { recursive: true, force: true });
      untrackDirectory(certDir);
    }
  });

  it("logs in with SASL PLAIN before registering: WHOIS shows the account", async () => {
    const connection = await IrcConnection.connect(optionsFor(server, "sbPlain", { sasl: { mechanism: "PLAIN", username: WATCHER.nick, password: WATCHER.password } }));
    connections.push(connection);
    assert.ok(connection.caps.has("sasl"));
    assert.equal(connection.nick, "sbPlain");
    assert.deepEqual(await whois(watcher, "sbPlain"), { online: true, account: WATCHER.nick });
  });

  it("rejects a wrong PLAIN password with GW_ERR_AUTH_FAILED (ERR_SASLFAIL) and never registers", async () => {
    const error = await rejectsWith(IrcConnection.connect(optionsFor(server, "sbWrong", { sasl: { mechanism: "PLAIN", username: WATCHER.nick, password: "not-the-password" } })), "GW_ERR_AUTH_FAILED");
    assert.equal(error.condition, "ERR_SASLFAIL");
    assert.equal(error.retryable, false);
    assert.deepEqual(await whois(watcher, "sbWrong"), { online: false, account: undefined }, "the nick was never registered");
  });

  it("logs in with SASL EXTERNAL over TLS with a client certificate the account holds; refuses an unknown one", async () => {
    const tls = (certificate: TestCertificate): IrcTlsOptions => ({
      verify: true,
      ca: server.certificatePem ?? assert.fail("the server has no certificate"),
      cert: readFileSync(certificate.certificateFile, "utf8"),
      key: readFileSync(certificate.keyFile, "utf8"),
    });
    const port = server.tlsPort ?? assert.fail("the server has no TLS port");
    const refused = await rejectsWith(IrcConnection.connect(optionsFor(server, "sbStranger", { port, tls: tls(unknown), sasl: { mechanism: "EXTERNAL" } })), "GW_ERR_AUTH_FAILED");
    assert.equal(refused.condition, "ERR_SASLFAIL");

    const connection = await IrcConnection.connect(optionsFor(server, "sbCert", { port, tls: tls(known), sasl: { mechanism: "EXTERNAL" } }));
    connections.push(connection);
    assert.deepEqual(await whois(watcher, "sbCert"), { online: true, account: CERT_ACCOUNT });
    assert.deepEqual(await whois(watcher, "sbStranger"), { online: false, account: undefined });
  });

  it("logs the daemon's own connection in with sasl PLAIN, the password from the environment", async function () {
    this.timeout(30_000);
    daemon = Daemon.create(
      [
        "irc:",
        "  networks:",
        "    - name: saslnet",
        "      host: 127.0.0.1",
        `      port: ${server.port}`,
        "      nick: sbgate",
        "      sasl:",
        "        mechanism: PLAIN",
        `        username: ${GATEWAY_ACCOUNT.name}`,
        "        password: ${IRC_SASL_PASSWORD}",
        "      presence_poll_seconds: 3600",
      ].join("\n"),
    );
    await daemon.start({ IRC_SASL_PASSWORD: GATEWAY_ACCOUNT.password });
    await daemon.waitForLog(/IRC network online/, 15_000);
    assert.deepEqual(await whois(watcher, "sbgate"), { online: true, account: GATEWAY_ACCOUNT.name });
    assert.ok(!daemon.log.includes(GATEWAY_ACCOUNT.password), "the password never appears in the log");
  });
});
