/**
 * Real IRC servers for integration tests (shared SERVERS.md): ngIRCd (RFC-style, few IRCv3 features) and
 * InspIRCd 3 (IRCv3 modules: MONITOR, away-notify, echo-message ...). Each runs in the foreground as a child of
 * the test process on free loopback ports, with a config, MOTD, log and data of its own under a temporary
 * directory, and is killed with the test process (child-registry.ts). Config text: ngircd-config.ts and
 * inspircd-config.ts.
 *
 * InspIRCd started with `services` also listens for one server link (`services.port`, type "servers") from the
 * named services server, for SASL: test/helpers/atheme.ts starts Atheme linked to it.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { trackChild, trackDirectory, untrackDirectory } from "./child-registry.js";
import { ensureDebianPackage } from "./debian-package.js";
import { INSPIRCD_SERVICES_MODULES, inspircdConfig, inspircdModules } from "./inspircd-config.js";
import { ngircdConfig, type NgircdPeer } from "./ngircd-config.js";
import { fileSize, freePort, isRunning, readFrom, waitForPorts } from "./ports.js";
import { TextTail } from "./text-tail.js";

export type IrcServerKind = "ngircd" | "inspircd";

export interface IrcServerOptions {
  /** Server password every client must send with PASS. */
  serverPassword?: string;
  /** IRC operators (OPER name password), from any host. */
  operators?: ReadonlyArray<{ name: string; password: string }>;
  /** Also listen for TLS on tlsPort, with a fresh self-signed certificate for 127.0.0.1 (certificatePem). */
  tls?: boolean;
  /** Server name (with a dot); defaults to irc.<kind>.test. */
  name?: string;
  /** Network name announced in ISUPPORT NETWORK=; defaults to SwitchboardTest. */
  network?: string;
  /** ngIRCd only: servers linked to this one (ngircd-config.ts NgircdPeer). */
  peers?: readonly NgircdPeer[];
  /** Take WEBIRC with this password (from 127.0.0.1 on InspIRCd, from anyone on ngIRCd). */
  webircPassword?: string;
}

export interface InspircdOptions extends IrcServerOptions {
  /** More modules to load (names without m_), if installed. */
  extraModules?: readonly string[];
  /** Standard modules not to load (names without m_): a server without an IRCv3 extension ("ircv3_batch"). */
  withoutModules?: readonly string[];
  /** MONITOR list size per client; default 1000. */
  monitorLimit?: number;
  /**
   * Let a services server (Atheme, test/helpers/atheme.ts) link on a port of its own (IrcServer.services.port)
   * with this name and password, and serve SASL (modules spanningtree, services_account, sasl). Until it has
   * linked, InspIRCd does not offer the "sasl" cap.
   */
  services?: { name: string; password: string };
  /** With tls: ask TLS clients for a certificate and load sslinfo, so services see its fingerprint (SASL EXTERNAL). */
  clientCertificates?: boolean;
}

/** Where a services server links to a test InspIRCd started with `services`. */
export interface ServicesLink {
  /** The services server's name, as InspIRCd's <link> and <uline> name it. */
  readonly name: string;
  /** The link password, the same both ways. */
  readonly password: string;
  /** The server-link port (<bind type="servers">) on 127.0.0.1. */
  readonly port: number;
}

export interface IrcServer {
  readonly host: "127.0.0.1";
  readonly port: number;
  /** The TLS port, when started with tls. */
  readonly tlsPort: number | undefined;
  /** The server's self-signed certificate (PEM), to trust as a CA when connecting to tlsPort. */
  readonly certificatePem: string | undefined;
  /** The server name, as the prefix of its numerics. */
  readonly name: string;
  readonly network: string;
  readonly kind: IrcServerKind;
  readonly serverPassword: string | undefined;
  /** The server-link port and the services server allowed on it, when started with `services` (InspIRCd). */
  readonly services: ServicesLink | undefined;
  /** The temporary directory holding config, MOTD, log, data. */
  readonly dir: string;
  readonly running: boolean;
  /** SIGTERM (clients get an ERROR and are closed); SIGKILL if still running after 5 s. */
  stop(): Promise<void>;
  /** Starts again on the same ports with the same config. */
  start(): Promise<void>;
  restart(): Promise<void>;
  /** SIGKILL, as in a crash: clients see their connection reset or closed without an ERROR. */
  kill(): Promise<void>;
  /** Stops the server and removes its directory. */
  dispose(): Promise<void>;
  /** The server's log and its own output, for failure messages. */
  log(): string;
}

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
/** The end of a server's own output kept for failure messages: enough for what they show (the last lines). */
const OUTPUT_KEPT = 64 * 1024;
const OPENSSL_TIMEOUT_MS = 10_000;
const START_ATTEMPTS = 3;
const INSPIRCD_MODULE_DIR = "/usr/lib/inspircd/modules";
/** nobody/nogroup on Debian: ngIRCd started as root always drops privileges. */
const UNPRIVILEGED_ID = 65534;
/** Lines that mean a port chosen free was taken before the server bound it. */
const PORT_TAKEN = /address already in use|failed to bind|could not bind|not able to bind|can't bind/i;

interface Launch {
  readonly command: string;
  readonly args: readonly string[];
  /** The server's own log file, if it writes one besides its output. */
  readonly logFile: string | undefined;
}

interface Layout {
  readonly root: string;
  readonly port: number;
  readonly tls: { readonly port: number; readonly certFile: string; readonly keyFile: string } | undefined;
  /** The server-link port, when the server takes a services link. */
  readonly linkPort: number | undefined;
  readonly motdFile: string;
}

class IrcServerProcess implements IrcServer {
  readonly host = "127.0.0.1" as const;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** The server's own output, its last 64 KiB (text-tail.ts: ngIRCd can loop on write errors for a dead client). */
  private readonly output = new TextTail(OUTPUT_KEPT);
  private exitNote: string | undefined;
  /** The signal stop() or kill() sent, so that the exit note tells an asked-for exit from a crash. */
  private sentSignal: NodeJS.Signals | undefined;
  /** Which start() the latest child belongs to (a late exit event of an older one is not this one's). */
  private generation = 0;
  /** Set when the last start failed because another process had bound one of the ports. */
  portTaken = false;

  constructor(
    readonly kind: IrcServerKind,
    readonly name: string,
    readonly network: string,
    readonly serverPassword: string | undefined,
    private readonly layout: Layout,
    private readonly launch: Launch,
    readonly certificatePem: string | undefined,
    private readonly servicesLink: { readonly name: string; readonly password: string } | undefined = undefined,
  ) {}

  get dir(): string {
    return this.layout.root;
  }

  get port(): number {
    return this.layout.port;
  }

  get tlsPort(): number | undefined {
    return this.layout.tls?.port;
  }

  get services(): ServicesLink | undefined {
    const port = this.layout.linkPort;
    return this.servicesLink === undefined || port === undefined ? undefined : { ...this.servicesLink, port };
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  async start(): Promise<void> {
    if (this.child) throw new Error(`${this.kind} is already running on port ${this.port}`);
    if (this.output.written > 0) this.output.append(`--- ${this.exitNote ?? "stopped"}; started again ---\n`);
    const outputOffset = this.output.written;
    this.exitNote = undefined;
    this.sentSignal = undefined;
    this.portTaken = false;
    const child = spawn(this.launch.command, this.launch.args, { cwd: this.layout.root, stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    // A stopped process may report its exit only after the next one started (stop() also takes /proc's word
    // that it is gone): such a late note belongs to the old process and must not fail the new start.
    this.generation += 1;
    const generation = this.generation;
    trackChild(child);
    child.stdout?.on("data", (chunk: Buffer) => this.output.append(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => this.output.append(chunk.toString()));
    this.exited = new Promise<void>((resolve) => {
      child.once("error", (error) => {
        if (generation === this.generation) this.exitNote = `could not run ${this.launch.command}: ${error.message}`;
        resolve();
      });
      child.once("exit", (code, signal) => {
        const asked = this.sentSignal === undefined ? "" : ` after the test sent ${this.sentSignal}`;
        if (generation === this.generation) this.exitNote = `${this.kind} exited with ${signal ?? `code ${String(code)}`}${asked}`;
        resolve();
      });
    }).finally(() => {
      if (this.child === child) this.child = undefined;
    });
    const logOffset = this.launch.logFile === undefined ? 0 : fileSize(this.launch.logFile);
    const failed = (): string | undefined => {
      const recent = `${this.launch.logFile === undefined ? "" : readFrom(this.launch.logFile, logOffset)}\n${this.output.since(outputOffset)}`;
      const taken = PORT_TAKEN.exec(recent);
      if (taken) this.portTaken = true;
      return this.exitNote ?? (taken ? `a port is taken: ${taken[0]}` : undefined);
    };
    const ports = [this.port, ...(this.tlsPort === undefined ? [] : [this.tlsPort]), ...(this.layout.linkPort === undefined ? [] : [this.layout.linkPort])];
    try {
      await waitForPorts(this.host, ports, READY_TIMEOUT_MS, failed);
    } catch (error: unknown) {
      await this.kill();
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`${this.kind} did not start on 127.0.0.1:${ports.join(" and :")}: ${reason}\n${this.log()}`, { cause: error });
    }
  }

  async stop(): Promise<void> {
    await this.signal("SIGTERM");
  }

  async kill(): Promise<void> {
    await this.signal("SIGKILL");
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.layout.root, { recursive: true, force: true });
    untrackDirectory(this.layout.root);
  }

  log(): string {
    let text = "";
    if (this.launch.logFile !== undefined) {
      try {
        text = readFileSync(this.launch.logFile, "utf8");
      } catch {
        text = `(no ${this.kind} log file)\n`;
      }
    }
    const note = this.exitNote === undefined ? "" : `--- ${this.exitNote} ---\n`;
    return this.output.written === 0 ? `${text}${note}` : `${text}--- ${this.kind}'s own output ---\n${this.output.toString()}${note}`;
  }

  /** Sends the signal, then waits for the exit; SIGTERM turns into SIGKILL after STOP_TIMEOUT_MS. */
  private async signal(signal: "SIGTERM" | "SIGKILL"): Promise<void> {
    const child = this.child;
    if (!child) return this.exited;
    this.sentSignal = signal;
    child.kill(signal);
    if (!(await this.waitForExit(child, STOP_TIMEOUT_MS)) && signal === "SIGTERM") {
      this.sentSignal = "SIGKILL";
      child.kill("SIGKILL");
      await this.waitForExit(child, STOP_TIMEOUT_MS);
    }
    if (this.child === child) this.child = undefined;
  }

  /** True once the child has exited (its exit event, or /proc showing it gone or a zombie), false at the deadline. */
  private async waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const tick = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 20)));
      const exited = await Promise.race([this.exited.then(() => true), tick]);
      clearTimeout(timer);
      if (exited || child.pid === undefined || !isRunning(child.pid)) return true;
    }
    return false;
  }
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** A self-signed P-256 certificate for 127.0.0.1 and localhost (an EC key: instant, unlike RSA). */
async function selfSignedCertificate(dir: string): Promise<{ certFile: string; keyFile: string; pem: string }> {
  await ensureDebianPackage("openssl", "openssl");
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  const args = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", keyFile, "-out", certFile];
  args.push("-days", "7", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
  await new Promise<void>((resolve, reject) => {
    execFile("openssl", args, { timeout: OPENSSL_TIMEOUT_MS }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`openssl could not make a test certificate: ${error.message}\n${stderr}`, { cause: error }));
      else resolve();
    });
  });
  return { certFile, keyFile, pem: readFileSync(certFile, "utf8") };
}

/** Ports and files of a new server in a new temporary directory (readable by all: ngIRCd may run as nobody). */
async function prepare(kind: IrcServerKind, tls: boolean, link = false): Promise<Layout & { certificatePem: string | undefined }> {
  const root = mkdtempSync(join(tmpdir(), `switchboard-${kind}-`));
  trackDirectory(root);
  chmodSync(root, 0o755);
  const port = await freePort();
  let certificate: { certFile: string; keyFile: string; pem: string } | undefined;
  let tlsPort: number | undefined;
  if (tls) {
    certificate = await selfSignedCertificate(root);
    do tlsPort = await freePort();
    while (tlsPort === port);
  }
  let linkPort: number | undefined;
  if (link) {
    do linkPort = await freePort();
    while (linkPort === port || linkPort === tlsPort);
  }
  const motdFile = join(root, "motd.txt");
  writeFileSync(motdFile, `Switchboard test server (${kind}): every file is under ${root}\n`);
  return {
    root,
    port,
    motdFile,
    tls: certificate && tlsPort !== undefined ? { port: tlsPort, certFile: certificate.certFile, keyFile: certificate.keyFile } : undefined,
    linkPort,
    certificatePem: certificate?.pem,
  };
}

/** Starts servers made by `make` until one starts, trying new ports when a port was taken meanwhile. */
async function startFresh(make: () => Promise<IrcServerProcess>): Promise<IrcServer> {
  for (let attempt = 1; ; attempt++) {
    const server = await make();
    try {
      await server.start();
      return server;
    } catch (error: unknown) {
      await server.dispose();
      if (!server.portTaken || attempt >= START_ATTEMPTS) throw error;
    }
  }
}

/** Starts a fresh ngIRCd (installing the Debian package first where it can). */
export async function startNgircd(options: IrcServerOptions = {}): Promise<IrcServer> {
  await ensureDebianPackage("ngircd", "ngircd");
  const name = options.name ?? "irc.ngircd.test";
  const network = options.network ?? "SwitchboardTest";
  return startFresh(async () => {
    const layout = await prepare("ngircd", options.tls === true);
    const configFile = join(layout.root, "ngircd.conf");
    const config = ngircdConfig({
      name,
      network,
      port: layout.port,
      motdFile: layout.motdFile,
      ...(isRoot() ? { runAs: { uid: UNPRIVILEGED_ID, gid: UNPRIVILEGED_ID } } : {}),
      ...(options.serverPassword === undefined ? {} : { password: options.serverPassword }),
      operators: options.operators ?? [],
      ...(layout.tls ? { tls: layout.tls } : {}),
      ...(options.peers ? { peers: options.peers } : {}),
      ...(options.webircPassword === undefined ? {} : { webircPassword: options.webircPassword }),
    });
    writeFileSync(configFile, config, { mode: 0o644 });
    const launch: Launch = { command: "ngircd", args: ["--nodaemon", "--config", configFile], logFile: undefined };
    return new IrcServerProcess("ngircd", name, network, options.serverPassword, layout, launch, layout.certificatePem);
  });
}

/** Starts a fresh InspIRCd 3 with the IRCv3 modules (installing the Debian package first where it can). */
export async function startInspircd(options: InspircdOptions = {}): Promise<IrcServer> {
  await ensureDebianPackage("inspircd", "inspircd");
  const name = options.name ?? "irc.inspircd.test";
  const network = options.network ?? "SwitchboardTest";
  const installed = (module: string): boolean => !existsSync(INSPIRCD_MODULE_DIR) || existsSync(join(INSPIRCD_MODULE_DIR, `m_${module}.so`));
  const tlsModule = installed("ssl_gnutls") ? "ssl_gnutls" : "ssl_openssl";
  if (options.tls && !installed(tlsModule)) throw new Error(`InspIRCd has no TLS module in ${INSPIRCD_MODULE_DIR} (m_ssl_gnutls.so or m_ssl_openssl.so)`);
  if (options.clientCertificates && !options.tls) throw new Error("InspIRCd: clientCertificates needs tls");
  const required = [...(options.services ? INSPIRCD_SERVICES_MODULES : []), ...(options.clientCertificates ? ["sslinfo"] : [])];
  const missing = required.filter((module) => !installed(module));
  if (missing.length > 0) throw new Error(`InspIRCd lacks ${missing.map((module) => `m_${module}.so`).join(", ")} in ${INSPIRCD_MODULE_DIR}, needed for services and client certificates`);
  const extraModules = [...(options.extraModules ?? []), ...(options.clientCertificates ? ["sslinfo"] : [])];
  return startFresh(async () => {
    const layout = await prepare("inspircd", options.tls === true, options.services !== undefined);
    const dataDir = join(layout.root, "data");
    mkdirSync(dataDir);
    const configFile = join(layout.root, "inspircd.conf");
    const logFile = join(layout.root, "inspircd.log");
    const config = inspircdConfig({
      name,
      network,
      port: layout.port,
      pidFile: join(layout.root, "inspircd.pid"),
      logFile,
      motdFile: layout.motdFile,
      dataDir,
      modules: inspircdModules(installed, extraModules).filter((module) => !(options.withoutModules ?? []).includes(module)),
      monitorLimit: options.monitorLimit ?? 1000,
      ...(options.serverPassword === undefined ? {} : { password: options.serverPassword }),
      ...(options.webircPassword === undefined ? {} : { webircPassword: options.webircPassword }),
      operators: options.operators ?? [],
      ...(layout.tls ? { tls: { ...layout.tls, module: tlsModule, ...(options.clientCertificates ? { requestClientCertificate: true } : {}) } } : {}),
      ...(options.services && layout.linkPort !== undefined ? { services: { ...options.services, port: layout.linkPort } } : {}),
    });
    writeFileSync(configFile, config);
    // InspIRCd raises its own core-size limit to the hard limit, and ssl_gnutls crashes on shutdown: a hard
    // limit of 0, set by the shell that then execs it (same pid), keeps core files away.
    const args = ["-c", 'ulimit -c 0 && exec "$0" "$@"', "inspircd", "--config", configFile, "--nofork", ...(isRoot() ? ["--runasroot"] : [])];
    const launch: Launch = { command: "sh", args, logFile };
    return new IrcServerProcess("inspircd", name, network, options.serverPassword, layout, launch, layout.certificatePem, options.services);
  });
}
