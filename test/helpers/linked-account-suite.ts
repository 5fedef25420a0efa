/**
 * The set-up the suites of linked XMPP accounts share (test/integration/xmpp-linked-*.test.ts): a real Prosody with
 * alicex (alice's own XMPP account) and the suite's other users, the daemon with linked accounts on under a fresh
 * credential key, native alice registered, and alicex linked, directly or through a TcpGate the suite can cut. After
 * the suite every client made through it is closed, then the daemon, the gate and Prosody; a failed test prints the
 * ends of their logs. Call inside a `describe`, before the suite's own hooks, which take from it what they need (the
 * house way: network-suite.ts).
 */
import { randomBytes } from "node:crypto";
import { Daemon } from "./daemon.js";
import { PASSWORD } from "./gateway-fixture.js";
import { NativeClient } from "./native-client.js";
import { startProsody, type ProsodyServer } from "./servers.js";
import { TcpGate } from "./tcp-gate.js";
import { XmppTestClient } from "./xmpp-client.js";

export const ALICEX_PASSWORD = "alicex-Secret-4242";

export interface LinkedAccountSuiteOptions {
  /** Prosody's users beside alicex, each with PASSWORD. */
  readonly users?: readonly string[];
  /** mod_muc_mam on Prosody's MUC service (servers.ts). */
  readonly mucArchive?: boolean;
  /** mod_pep on Prosody's virtual host (servers.ts): users publish XEP-0084 avatars. */
  readonly pep?: boolean;
  /** alicex reaches Prosody through a TcpGate, which the suite cuts and reopens (`gate()`). */
  readonly gated?: boolean;
  /** Lines of the `xmpp:` section before `user_accounts:` (the component's: componentYaml), given Prosody. */
  readonly xmppYaml?: (prosody: ProsodyServer) => readonly string[];
  /** The XMPP side made ready before the daemon starts: clients connected, rooms entered. */
  readonly beforeDaemon?: () => Promise<void>;
  /** Once alice is logged in, before alicex is linked: more native sessions. */
  readonly beforeLink?: () => Promise<void>;
  /** False: alicex is not linked by the set-up (the suite links it itself). */
  readonly link?: boolean;
}

export interface LinkedAccountSuite {
  readonly prosody: () => ProsodyServer;
  readonly daemon: () => Daemon;
  readonly gate: () => TcpGate;
  /** Alice's session of the set-up. */
  readonly alice: () => NativeClient;
  /** Where alicex is linked to: Prosody's c2s port, or the gate's. */
  readonly service: () => string;
  /** A session of the native user `name` (registered first with `register`, asking `features`), closed with the suite. */
  native(name: string, options?: { readonly register?: boolean; readonly features?: string[] }): Promise<NativeClient>;
  /** The XMPP user `name` connected to Prosody (as `resource`), stopped with the suite. */
  xmpp(name: string, password?: string, resource?: string): Promise<XmppTestClient>;
}

export function useLinkedAccount(options: LinkedAccountSuiteOptions = {}): LinkedAccountSuite {
  let prosody: ProsodyServer | undefined;
  let gate: TcpGate | undefined;
  let daemon: Daemon | undefined;
  let alice: NativeClient | undefined;
  const natives: NativeClient[] = [];
  const xmpps: XmppTestClient[] = [];
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started yet`);
    return value;
  };

  const suite: LinkedAccountSuite = {
    prosody: () => need(prosody, "Prosody"),
    daemon: () => need(daemon, "the daemon"),
    gate: () => need(gate, "the gate"),
    alice: () => need(alice, "alice's session"),
    service: () => `xmpp://127.0.0.1:${gate?.port ?? suite.prosody().c2sPort}`,
    async native(name, { register = false, features } = {}) {
      const client = await NativeClient.session(suite.daemon().url, name, PASSWORD, { register, ...(features === undefined ? {} : { features }) });
      natives.push(client);
      return client;
    },
    async xmpp(name, password = PASSWORD, resource) {
      const client = await XmppTestClient.connect(suite.prosody(), name, password, resource);
      xmpps.push(client);
      return client;
    },
  };

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing Prosody on a fresh machine may take minutes
    const users = (options.users ?? []).map((name) => ({ name, password: PASSWORD }));
    const started = await startProsody({ users: [{ name: "alicex", password: ALICEX_PASSWORD }, ...users], ...(options.mucArchive === true ? { mucArchive: true } : {}), ...(options.pep === true ? { pep: true } : {}) });
    prosody = started;
    if (options.gated === true) gate = await TcpGate.start("127.0.0.1", () => started.c2sPort);
    await options.beforeDaemon?.();
    const accounts = ["  user_accounts:", "    enabled: true", "    credential_key: ${KEY}", "    internal_hosts: [127.0.0.1]"];
    daemon = Daemon.create(["xmpp:", ...(options.xmppYaml?.(started) ?? []), ...accounts].join("\n"));
    await daemon.start({ KEY: randomBytes(32).toString("hex") });
    alice = await suite.native("alice", { register: true });
    await options.beforeLink?.();
    if (options.link !== false) await alice.ok({ type: "xmpp.link", jid: "alicex@localhost", password: ALICEX_PASSWORD, service: suite.service() }, 15_000);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed" && daemon) console.log(daemon.log.slice(-5000), prosody?.log().slice(-3000));
  });

  after(async function () {
    await Promise.all(natives.map((client) => client.close()));
    await Promise.all(xmpps.map((client) => client.stop()));
    await daemon?.dispose();
    await gate?.dispose();
    await prosody?.dispose();
  });

  return suite;
}
