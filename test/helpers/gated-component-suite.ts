/**
 * The set-up of a suite about what the gateway does across a loss of its XMPP component link: a real Prosody, a
 * TcpGate in front of its component port (so a test can cut and restore the link), and one daemon whose component
 * connects through the gate. Clients the tests push to `natives` and `xmpps` are closed with the suite; `cut` and
 * `reopen` take the component's link down and up while the clients stay connected. Call inside a `describe`.
 */
import { componentYaml } from "./config-yaml.js";
import { Daemon } from "./daemon.js";
import type { NativeClient } from "./native-client.js";
import { startProsody, type ProsodyServer } from "./servers.js";
import { TcpGate } from "./tcp-gate.js";
import type { XmppTestClient } from "./xmpp-client.js";

export interface GatedComponentSuite {
  readonly prosody: ProsodyServer;
  readonly gate: TcpGate;
  readonly daemon: Daemon;
  readonly natives: NativeClient[];
  readonly xmpps: XmppTestClient[];
  /** The component's connection is cut (the XMPP clients stay connected); resolves once the daemon noticed. */
  cut(): Promise<void>;
  /** The component's connection may come back; resolves once it is online again. */
  reopen(): Promise<void>;
}

export function useGatedComponent(): GatedComponentSuite {
  let prosody: ProsodyServer | undefined;
  let gate: TcpGate | undefined;
  let daemon: Daemon | undefined;
  const natives: NativeClient[] = [];
  const xmpps: XmppTestClient[] = [];
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started yet`);
    return value;
  };

  before(async function () {
    this.timeout(11 * 60 * 1000); // installing Prosody on a fresh machine may take minutes
    const server = await startProsody();
    prosody = server;
    gate = await TcpGate.start("127.0.0.1", () => server.componentPort);
    daemon = Daemon.create(["xmpp:", ...componentYaml(server, ["messages_from: anyone"], gate.port)].join("\n"));
    await daemon.start();
    await daemon.waitForLog(/XMPP component online/);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed" && daemon) console.log(daemon.log.slice(-4000));
  });

  after(async function () {
    await Promise.all([...natives.map((client) => client.close()), ...xmpps.map((client) => client.stop())]);
    await daemon?.dispose();
    await gate?.dispose();
    await prosody?.dispose();
  });

  const count = (pattern: RegExp): number => (need(daemon, "the daemon").log.match(new RegExp(pattern.source, "g")) ?? []).length;
  const nth = (pattern: RegExp, n: number): RegExp => new RegExp(`(${pattern.source}[\\s\\S]*){${n}}`);

  return {
    async cut() {
      const down = count(/adapter down; restarting after backoff/);
      need(gate, "the gate").close();
      await need(daemon, "the daemon").waitForLog(nth(/adapter down; restarting after backoff/, down + 1), 20_000);
    },
    async reopen() {
      const online = count(/XMPP component online/);
      need(gate, "the gate").reopen();
      await need(daemon, "the daemon").waitForLog(nth(/XMPP component online/, online + 1), 30_000);
    },
    get prosody() {
      return need(prosody, "Prosody");
    },
    get gate() {
      return need(gate, "the gate");
    },
    get daemon() {
      return need(daemon, "the daemon");
    },
    natives,
    xmpps,
  };
}
