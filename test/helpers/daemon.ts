/**
 * Runs the real daemon (`switchboard start --config FILE`) as a child process for end-to-end tests, on a free
 * loopback port (port 0, read back from the log) with its own temporary data directory. A daemon can be
 * stopped and started again on the same data directory to test restarts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const MAIN = join(ROOT, "src", "main.ts");
/** tsx's loader by absolute URL, so the daemon can run with any working directory. */
const TSX = import.meta.resolve("tsx");

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI to completion with the given arguments; its standard input is `input` (by default nothing: it ends at once). */
export function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX, MAIN, ...args], { cwd: options.cwd ?? ROOT, env: options.env ?? process.env });
    child.stdin.on("error", () => undefined); // a command that exits without reading it
    child.stdin.end(options.input ?? "");
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    // Generous: each run compiles the CLI under tsx, which took over 15 s on a machine busy with other test runs.
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`switchboard ${args.join(" ")} did not finish in time; stderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export class Daemon {
  private child: ChildProcess | undefined;
  private output = "";
  private env: NodeJS.ProcessEnv = {};
  port = 0;

  private constructor(
    readonly dir: string,
    readonly configPath: string,
  ) {}

  /**
   * A daemon with a fresh temporary data directory; `yaml` is appended to the generated config, `storeYaml`
   * (lines indented by two spaces) to its `store:` section, which names the data directory's database.
   */
  static create(extraYaml = "", storeYaml = ""): Daemon {
    const dir = mkdtempSync(join(tmpdir(), "switchboard-test-"));
    const daemon = new Daemon(dir, join(dir, "switchboard.yaml"));
    daemon.writeConfig(extraYaml, storeYaml);
    return daemon;
  }

  /** Writes the configuration file as create() does (a reload reads it again: SIGHUP). */
  writeConfig(extraYaml = "", storeYaml = ""): void {
    writeFileSync(
      this.configPath,
      [
        /^log:/m.test(extraYaml) ? "" : "log:\n  level: info",
        "store:",
        `  path: ${JSON.stringify(join(this.dir, "switchboard.db"))}`,
        storeYaml,
        // A native: section of the test's own sets its port; "native:alice" in a value is no such section.
        /^native:/m.test(extraYaml) ? "" : "native:\n  port: 0",
        extraYaml,
      ].join("\n"),
    );
  }

  /** Sends a signal that does not stop the daemon (SIGHUP: reload the configuration file). */
  signal(signal: NodeJS.Signals): void {
    if (!this.child) throw new Error("the daemon is not running");
    this.child.kill(signal);
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get log(): string {
    return this.output;
  }

  /** Resolves when the daemon's log has a line matching the pattern. */
  async waitForLog(pattern: RegExp, timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const child = this.child;
    if (!child) throw new Error("the daemon is not running");
    while (!pattern.test(this.output)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no log line matching ${pattern} within ${timeoutMs} ms:\n${this.output.slice(-2000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done(): void {
          clearTimeout(timer);
          child?.stdout?.off("data", done);
          resolve();
        }
        child.stdout?.on("data", done);
      });
    }
  }

  /** Starts the daemon; `env` adds variables (secrets for ${VAR} in the config), kept for restarts. */
  async start(env: NodeJS.ProcessEnv = {}, timeoutMs = 15000): Promise<void> {
    this.env = { ...this.env, ...env };
    const child = spawn(process.execPath, ["--import", TSX, MAIN, "start", "--config", this.configPath], { cwd: this.dir, env: { ...process.env, ...this.env } });
    this.child = child;
    this.output = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`daemon did not start within ${timeoutMs} ms:\n${this.output}`)), timeoutMs);
      const onData = (chunk: Buffer): void => {
        this.output += chunk.toString();
        const match = /"port":(\d+),"msg":"switchboard started"/.exec(this.output);
        if (match) {
          clearTimeout(timer);
          this.port = Number(match[1]);
          resolve();
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`daemon exited with ${code} before starting:\n${this.output}`));
      });
    });
  }

  /** Sends a signal and resolves with the exit code and how long the exit took. */
  async stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 10000): Promise<{ code: number | null; ms: number }> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return { code: child?.exitCode ?? null, ms: 0 };
    const started = Date.now();
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    const code = await exited;
    clearTimeout(timer);
    this.child = undefined;
    return { code, ms: Date.now() - started };
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Stops the daemon and removes its data directory. */
  async dispose(): Promise<void> {
    await this.stop("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }
}

let userCounter = 0;
/** A user name no other test uses. */
export function uniqueUser(prefix: string): string {
  userCounter += 1;
  return `${prefix}${process.pid % 10000}x${userCounter}`;
}
