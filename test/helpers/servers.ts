/**
 * Real servers for integration tests, started and stopped by the tests: each on free loopback ports with a
 * config, data and log of its own under a temporary directory (see shared SERVERS.md).
 *
 * Prosody runs in the foreground as a child of the test process (`prosody -F`), never as a system service.
 * Children still running when the test process exits (or is interrupted) are killed with it.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { selfSignedCertificate, type TestCertificate } from "./certificates.js";
import { ensureDebianPackage } from "./debian-package.js";
import { fileSize, freePort, isRunning, readFrom, waitForPorts } from "./ports.js";
import { prosodyConfig } from "./prosody-config.js";

export { ensureDebianPackage } from "./debian-package.js";

export interface ProsodyOptions {
  componentDomain?: string;
  componentSecret?: string;
  mucDomain?: string;
  users?: ReadonlyArray<{ name: string; password: string }>;
  /** Serve TLS with a self-signed certificate for "localhost": STARTTLS on the c2s port, direct TLS on its own. */
  tls?: boolean;
  /** mod_muc_mam on the MUC component: rooms archive their lines and give each a XEP-0359 <stanza-id by="room"/>. */
  mucArchive?: boolean;
  /**
   * false: the MUC service gives no XEP-0421 occupant ids (`muc_occupant_id = false`), and so neither announces them
   * nor strips those occupants' clients write.
   */
  mucOccupantIds?: boolean;
  /** mod_pep on the virtual host: users publish XEP-0084 avatars. */
  pep?: boolean;
}

export interface ProsodyServer {
  readonly host: "127.0.0.1";
  /** The virtual host, e.g. "localhost". */
  readonly domain: string;
  readonly c2sPort: number;
  readonly componentPort: number;
  readonly componentDomain: string;
  readonly componentSecret: string;
  readonly mucDomain: string;
  readonly dataDir: string;
  /** With `tls`: the direct TLS (xmpps://) port and the certificate (PEM file) a client must trust. */
  readonly tls: { readonly directTlsPort: number; readonly certificateFile: string } | undefined;
  /** Creates an account with prosodyctl (works while the server runs: accounts are files in dataDir). */
  register(name: string, password: string): Promise<void>;
  /** SIGTERM (clients get <system-shutdown/>); SIGKILL once its log says the shutdown is complete, or after 5 s. */
  stop(): Promise<void>;
  /** Starts again on the same ports and data. */
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops the server and removes its directory. */
  dispose(): Promise<void>;
  /** Prosody's log file (and anything it printed), for failure messages. */
  log(): string;
}

const DOMAIN = "localhost";
const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const PROSODYCTL_TIMEOUT_MS = 10_000;
const START_ATTEMPTS = 3;
/** See prosody-config.ts: SCRAM-SHA-1 in @xmpp/client costs about 0.15 ms per iteration. */
const SCRAM_ITERATIONS = 16;

/** Every Prosody child still running, killed when the test process goes away. */
const live = new Set<ChildProcess>();
/** Temporary directories of servers not yet disposed, removed when the test process goes away. */
const roots = new Set<string>();

function killAll(): void {
  for (const child of live) child.kill("SIGKILL");
  live.clear();
  for (const root of roots) rmSync(root, { recursive: true, force: true });
  roots.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAll();
  process.off(signal, onSignal);
  // Keep the signal's usual effect unless someone else (mocha) handles it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

let exitHooksInstalled = false;

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.once("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, onSignal);
}

class ProsodyProcess implements ProsodyServer {
  readonly host = "127.0.0.1" as const;
  readonly domain = DOMAIN;
  readonly dataDir: string;
  private readonly configPath: string;
  private readonly logPath: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private output = "";
  /** Set when the last start failed because another process had bound one of the ports. */
  portTaken = false;

  constructor(
    private readonly root: string,
    readonly c2sPort: number,
    readonly componentPort: number,
    readonly componentDomain: string,
    readonly componentSecret: string,
    readonly mucDomain: string,
    private readonly tlsFiles: (TestCertificate & { readonly directTlsPort: number }) | undefined,
    private readonly mucArchive: boolean,
    private readonly mucOccupantIds: boolean,
    private readonly pep = false,
  ) {
    roots.add(root);
    this.dataDir = join(root, "data");
    this.configPath = join(root, "prosody.cfg.lua");
    this.logPath = join(root, "prosody.log");
    const certificatesDir = join(root, "certs");
    mkdirSync(this.dataDir);
    mkdirSync(certificatesDir);
    writeFileSync(
      this.configPath,
      prosodyConfig({
        dataDir: this.dataDir,
        pidFile: join(root, "prosody.pid"),
        logFile: this.logPath,
        certificatesDir,
        domain: this.domain,
        c2sPort,
        componentPort,
        componentDomain,
        componentSecret,
        mucDomain,
        runAsRoot: process.getuid?.() === 0,
        iterationCount: SCRAM_ITERATIONS,
        ...(tlsFiles ? { tls: tlsFiles } : {}),
        mucArchive,
        mucOccupantIds,
        pep,
      }),
    );
  }

  get tls(): ProsodyServer["tls"] {
    return this.tlsFiles ? { directTlsPort: this.tlsFiles.directTlsPort, certificateFile: this.tlsFiles.certificateFile } : undefined;
  }

  async start(): Promise<void> {
    if (this.child) throw new Error("prosody is already running");
    installExitHooks();
    this.output = "";
    this.portTaken = false;
    const child = spawn("prosody", ["-F", "--config", this.configPath], { cwd: this.root, stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    live.add(child);
    child.stdout?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    let exitNote: string | undefined;
    const logOffset = fileSize(this.logPath);
    const failed = (): string | undefined => {
      if (exitNote !== undefined) return exitNote;
      // Prosody keeps running when it cannot bind a port; a port taken since freePort() chose it ends the wait.
      const taken = /Failed to open server port \d+[^\n]*/.exec(readFrom(this.logPath, logOffset));
      if (taken) {
        this.portTaken = true;
        return taken[0];
      }
      return undefined;
    };
    this.exited = new Promise<void>((resolve) => {
      child.once("error", (error) => {
        exitNote = `could not run prosody: ${error.message}`;
        resolve();
      });
      child.once("exit", (code, signal) => {
        exitNote = `prosody exited with ${signal ?? `code ${String(code)}`}`;
        resolve();
      });
    }).finally(() => {
      live.delete(child);
      if (this.child === child) this.child = undefined;
    });
    try {
      const ports = [this.c2sPort, this.componentPort, ...(this.tlsFiles ? [this.tlsFiles.directTlsPort] : [])];
      await waitForPorts(this.host, ports, READY_TIMEOUT_MS, failed);
    } catch (error: unknown) {
      await this.stop();
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`prosody did not start on 127.0.0.1:${this.c2sPort} and :${this.componentPort}: ${reason}\n${this.log()}`, { cause: error });
    }
  }

  /**
   * SIGTERM lets Prosody close every stream with <system-shutdown/> and remove its pid file. When sessions
   * were open, its shutdown ends inside a timer callback and the event loop then idles until its next timer,
   * one second later, before exiting (net/server_epoll.lua). Once the log says "Shutdown complete" nothing is
   * left to do, so stop() kills it there instead of waiting out that second.
   */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return this.exited;
    const logOffset = fileSize(this.logPath);
    child.kill("SIGTERM");
    const exited = await this.waitForExit(child, STOP_TIMEOUT_MS, () => readFrom(this.logPath, logOffset).includes("\tShutdown complete"));
    if (!exited) {
      child.kill("SIGKILL");
      await this.waitForExit(child, STOP_TIMEOUT_MS, () => false);
    }
    live.delete(child);
    if (this.child === child) this.child = undefined;
  }

  /**
   * Resolves true once the child has exited (the exit event, or /proc showing it gone or a zombie), false at
   * the deadline. When `finished` turns true first, the child is killed with SIGKILL and awaited.
   */
  private async waitForExit(child: ChildProcess, timeoutMs: number, finished: () => boolean): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let killed = false;
    while (Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const tick = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 20)));
      const exited = await Promise.race([this.exited.then(() => true), tick]);
      clearTimeout(timer);
      if (exited || child.pid === undefined || !isRunning(child.pid)) return true;
      if (!killed && finished()) {
        killed = true;
        child.kill("SIGKILL");
      }
    }
    return false;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.root, { recursive: true, force: true });
    roots.delete(this.root);
  }

  register(name: string, password: string): Promise<void> {
    return new Promise((resolve, reject) => {
      execFile(
        "prosodyctl",
        ["--config", this.configPath, "register", name, this.domain, password],
        { cwd: this.root, timeout: PROSODYCTL_TIMEOUT_MS },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`prosodyctl register ${name}@${this.domain} failed: ${error.message}\n${stdout}${stderr}`, { cause: error }));
          else resolve();
        },
      );
    });
  }

  log(): string {
    let text: string;
    try {
      text = readFileSync(this.logPath, "utf8");
    } catch {
      text = "(no prosody log file)\n";
    }
    return this.output === "" ? text : `${text}--- prosody's own output ---\n${this.output}`;
  }
}

/**
 * Starts a fresh Prosody (installing the Debian package first where it can) and registers the given users.
 * A port chosen free can be taken by another process before Prosody binds it: then it starts over on new ports.
 */
export async function startProsody(options: ProsodyOptions = {}): Promise<ProsodyServer> {
  await ensureDebianPackage("prosody", "prosody");
  for (let attempt = 1; ; attempt++) {
    const root = mkdtempSync(join(tmpdir(), "switchboard-prosody-"));
    const c2sPort = await freePort();
    let componentPort = await freePort();
    while (componentPort === c2sPort) componentPort = await freePort();
    let tlsFiles: (TestCertificate & { directTlsPort: number }) | undefined;
    if (options.tls === true) {
      let directTlsPort = await freePort();
      while (directTlsPort === c2sPort || directTlsPort === componentPort) directTlsPort = await freePort();
      tlsFiles = { ...(await selfSignedCertificate(root, { dns: [DOMAIN], ip: ["127.0.0.1"] })), directTlsPort };
    }
    const server = new ProsodyProcess(
      root,
      c2sPort,
      componentPort,
      options.componentDomain ?? `switchboard.${DOMAIN}`,
      // Not all hex: "123e4567..." would be a number to YAML.
      options.componentSecret ?? `sb${randomBytes(12).toString("hex")}`,
      options.mucDomain ?? `conference.${DOMAIN}`,
      tlsFiles,
      options.mucArchive === true,
      options.mucOccupantIds !== false,
      options.pep === true,
    );
    try {
      await server.start();
      for (const user of options.users ?? []) await server.register(user.name, user.password);
      return server;
    } catch (error: unknown) {
      await server.dispose();
      if (!server.portTaken || attempt >= START_ATTEMPTS) throw error;
    }
  }
}
