/**
 * Atheme 7.2 IRC services (Debian's atheme-services, installed with apt-get when the tests run as root) linked to
 * a test InspIRCd started with `services` (irc-servers.ts), so that SASL is answered by real services.
 *
 *   const server = await startInspircd({ services: { name: "services.switchboard.test", password: "..." } });
 *   const atheme = await startAtheme(server, { accounts: [{ name: "acct", password: "secret" }] });
 *
 * Atheme runs in the foreground (`atheme-services -n -c CONFIG -D DATADIR -l LOG -p PIDFILE`; -n logs to
 * the screen as well) as a child of the test process, with a config (atheme-config.ts), database, log and pid
 * file of its own under a temporary directory. It connects to the uplink at once; it is ready when it logs
 * `m_pong(): finished synching with uplink` (the PONG to the PING it sends after its burst, so InspIRCd has
 * read the whole burst: the services server, NickServ, SaslServ and the SASL mechanism list). Before that,
 * InspIRCd does not offer the "sasl" cap. Atheme runs as root without complaint.
 *
 * Accounts are written into Atheme's database before it starts (atheme-config.ts athemeDatabase, the rows
 * Atheme itself writes for `NickServ REGISTER` and `CERT ADD`), which saves a one-second InspIRCd connection
 * per account; `registerWithNickServ` does it the way a user would, for a test that wants that.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { athemeConfig, athemeDatabase, type AthemeAccount } from "./atheme-config.js";
import { trackChild, trackDirectory, untrackDirectory } from "./child-registry.js";
import { ensureDebianPackage } from "./debian-package.js";
import type { IrcTestClient } from "./irc-client.js";
import type { IrcServer } from "./irc-servers.js";
import { isRunning } from "./ports.js";

export type { AthemeAccount } from "./atheme-config.js";

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
/** Atheme's log line once InspIRCd has answered the PING after its burst. */
const SYNCED = /finished synching with uplink/;

export interface AthemeOptions {
  /** Accounts in the database from the start. */
  readonly accounts?: readonly AthemeAccount[];
  /** Atheme's server id; defaults to 00A (InspIRCd's own is all digits). */
  readonly numeric?: string;
}

export interface Atheme {
  /** The services server's name. */
  readonly name: string;
  /** The temporary directory holding config, database (data/services.db) and log. */
  readonly dir: string;
  readonly running: boolean;
  /** SIGTERM (Atheme writes its database and quits the link); SIGKILL if still running after 5 s. */
  stop(): Promise<void>;
  /** Stops Atheme and removes its directory. */
  dispose(): Promise<void>;
  /** Atheme's output (its log, as -n prints it), for failure messages. */
  log(): string;
}

class AthemeProcess implements Atheme {
  private output = "";
  private exitNote: string | undefined;
  private readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly dir: string,
    private readonly child: ChildProcess,
  ) {
    trackChild(child);
    child.stdout?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise<void>((resolve) => {
      child.once("error", (error) => {
        this.exitNote = `could not run atheme-services: ${error.message}`;
        resolve();
      });
      child.once("exit", (code, signal) => {
        this.exitNote = `atheme-services exited with ${signal ?? `code ${String(code)}`}`;
        resolve();
      });
    });
  }

  get running(): boolean {
    return this.exitNote === undefined;
  }

  /** Resolves once the output matches `pattern`; rejects when Atheme exits first or at the timeout. */
  waitForOutput(pattern: RegExp, timeoutMs: number, what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (pattern.test(this.output)) finish();
        else if (this.exitNote !== undefined) finish(new Error(`${this.exitNote} while waiting for ${what}:\n${this.log()}`));
      };
      const timer = setTimeout(() => finish(new Error(`atheme-services: no ${what} within ${timeoutMs} ms:\n${this.log()}`)), timeoutMs);
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        this.child.stdout?.off("data", check);
        this.child.stderr?.off("data", check);
        if (error) reject(error);
        else resolve();
      };
      this.child.stdout?.on("data", check);
      this.child.stderr?.on("data", check);
      void this.exited.then(check);
      check();
    });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill("SIGTERM");
    if (!(await this.waitForExit(STOP_TIMEOUT_MS))) {
      this.child.kill("SIGKILL");
      await this.waitForExit(STOP_TIMEOUT_MS);
    }
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
    untrackDirectory(this.dir);
  }

  log(): string {
    const note = this.exitNote === undefined ? "" : `--- ${this.exitNote} ---\n`;
    if (this.output !== "") return `${this.output}${note}`;
    try {
      return `${readFileSync(join(this.dir, "atheme.log"), "utf8")}${note}`;
    } catch {
      return `(no output from atheme-services)\n${note}`;
    }
  }

  /** True once the child has exited (its exit event, or /proc showing it gone or a zombie), false at the deadline. */
  private async waitForExit(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const tick = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 20)));
      const exited = await Promise.race([this.exited.then(() => true), tick]);
      clearTimeout(timer);
      if (exited || this.child.pid === undefined || !isRunning(this.child.pid)) return true;
    }
    return false;
  }
}

/**
 * Starts Atheme linked to `uplink` (an InspIRCd started with `services`), with `accounts` registered, and
 * resolves once it has synchronised with the network. Rejects with Atheme's output when it exits or is not
 * synchronised within 10 s.
 */
export async function startAtheme(uplink: IrcServer, options: AthemeOptions = {}): Promise<Atheme> {
  const link = uplink.services;
  if (link === undefined) throw new Error(`the ${uplink.kind} on port ${uplink.port} takes no services link: start InspIRCd with the services option`);
  await ensureDebianPackage("atheme-services", "atheme-services");
  const dir = mkdtempSync(join(tmpdir(), "switchboard-atheme-"));
  trackDirectory(dir);
  const dataDir = join(dir, "data");
  mkdirSync(dataDir);
  const configFile = join(dir, "atheme.conf");
  writeFileSync(
    configFile,
    athemeConfig({
      name: link.name,
      numeric: options.numeric ?? "00A",
      network: uplink.network,
      uplink: { name: uplink.name, host: uplink.host, port: link.port, password: link.password },
    }),
  );
  writeFileSync(join(dataDir, "services.db"), athemeDatabase(options.accounts ?? [], Math.floor(Date.now() / 1000)));
  const args = ["-n", "-c", configFile, "-D", dataDir, "-l", join(dir, "atheme.log"), "-p", join(dir, "atheme.pid")];
  const child = spawn("atheme-services", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const atheme = new AthemeProcess(link.name, dir, child);
  try {
    await atheme.waitForOutput(SYNCED, READY_TIMEOUT_MS, `"finished synching with uplink" (linked to ${uplink.name} on 127.0.0.1:${link.port})`);
  } catch (error: unknown) {
    await atheme.dispose();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- ${uplink.kind}'s log ---\n${uplink.log().slice(-3000)}`, { cause: error });
  }
  return atheme;
}

/**
 * Registers the account of the client's nick the way a user does: `PRIVMSG NickServ :REGISTER <password>
 * <email>`, resolving with NickServ's NOTICE that it is registered (and rejecting with any other answer).
 */
export async function registerWithNickServ(client: IrcTestClient, password: string, email: string, timeoutMs = 5000): Promise<void> {
  client.privmsg("NickServ", `REGISTER ${password} ${email}`);
  const answer = await client.waitFor((line) => line.command === "NOTICE" && client.same(line.nick, "NickServ"), timeoutMs, "NickServ's answer to REGISTER");
  const text = answer.params[1] ?? "";
  if (!/is now registered/.test(text)) throw new Error(`NickServ did not register ${client.nick}: ${text}`);
}
