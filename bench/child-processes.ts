/**
 * Child processes and temp dirs of the benchmark, and what /proc says about a process (RSS, CPU time of the
 * process or of one thread, its command line), or about the machine.
 * Everything started or created is tracked by a Resources instance, so that any exit (normal, error, signal)
 * kills the children and removes the temp dirs.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

export interface NodeChild {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** JSON lines of standard output at level warn (40) or above, and the last lines of standard error. */
  readonly problems: string[];
  /** Resolves with the first JSON line of standard output that matches. */
  waitForLine(match: (line: Record<string, unknown>) => boolean, timeoutMs: number): Promise<Record<string, unknown>>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

export class Resources {
  private readonly children = new Set<ChildProcess>();
  private readonly dirs = new Set<string>();

  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.add(dir);
    return dir;
  }

  removeDir(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
    this.dirs.delete(dir);
  }

  /** Starts `node [nodeArgs] script [args]` in `cwd`, stdout/stderr piped and read line by line. */
  spawnNode(name: string, nodeArgs: readonly string[], script: string, args: readonly string[], cwd: string): NodeChild {
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], { cwd, stdio: ["pipe", "pipe", "pipe"] });
    if (child.pid === undefined) throw new Error(`${name}: could not start ${script}`);
    this.children.add(child);
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    void exited.then(() => this.children.delete(child));
    const problems: string[] = [];
    const listeners = new Set<(line: Record<string, unknown>) => void>();
    createInterface({ input: child.stdout }).on("line", (text) => {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return;
      }
      if (typeof line["level"] === "number" && line["level"] >= 40) problems.push(text);
      for (const listener of listeners) listener(line);
    });
    createInterface({ input: child.stderr }).on("line", (text) => {
      problems.push(`stderr: ${text}`);
      if (problems.length > 50) problems.shift();
    });
    child.stdin.on("error", () => undefined);
    return {
      name,
      child,
      pid: child.pid,
      problems,
      waitForLine: (match, timeoutMs) =>
        new Promise((resolve, reject) => {
          const done = (): void => {
            clearTimeout(timer);
            listeners.delete(listener);
            child.off("exit", onExit);
          };
          const listener = (line: Record<string, unknown>): void => {
            if (!match(line)) return;
            done();
            resolve(line);
          };
          const onExit = (code: number | null): void => {
            done();
            reject(new Error(`${name} exited (code ${code}) before it was ready: ${problems.slice(-5).join(" | ")}`));
          };
          const timer = setTimeout(() => {
            done();
            reject(new Error(`${name} not ready within ${timeoutMs} ms: ${problems.slice(-5).join(" | ")}`));
          }, timeoutMs);
          listeners.add(listener);
          child.once("exit", onExit);
        }),
      stop: async (graceMs = 5000) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      },
    };
  }

  /** Starts a program that is not Node (a server under comparison), output ignored; killed on any exit as the others are. */
  spawnProgram(command: string, args: readonly string[], cwd: string): ChildProcess {
    const child = spawn(command, args, { cwd, stdio: "ignore" });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    this.children.add(child);
    child.once("exit", () => this.children.delete(child));
    return child;
  }

  /** Synchronous last resort, safe in an "exit" handler: kills every child still running, removes every temp dir. */
  releaseAll(): void {
    for (const child of this.children) child.kill("SIGKILL");
    this.children.clear();
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    this.dirs.clear();
  }
}

/** Resident set size of a process in KiB (VmRSS of /proc/<pid>/status). */
export function rssKiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match?.[1]) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}

let clockTicks: number | undefined;

function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU seconds from a stat file (/proc/<pid>/stat or /proc/<pid>/task/<tid>/stat fields 14 and 15). */
function statCpuSeconds(path: string): number {
  const stat = readFileSync(path, "utf8");
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
}

/** User + system CPU seconds a process has used so far, all threads. */
export function cpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/** CPU seconds of one thread; the main thread's tid is the pid. */
export function threadCpuSeconds(pid: number, tid: number): number {
  return statCpuSeconds(`/proc/${pid}/task/${tid}/stat`);
}

/** The command line of a process, its arguments joined by spaces; "" when it is gone. */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\u0000", " ");
  } catch {
    return "";
  }
}

/** Whether process `pid` runs and its command line contains every one of `words`. */
export function commandHas(pid: number, words: readonly string[]): boolean {
  const command = commandLine(pid);
  return words.every((word) => command.includes(word));
}

/** The first process in /proc whose command line contains every one of `words` (servers that keep their pid to themselves). */
export function findProcess(words: readonly string[]): number | undefined {
  for (const entry of readdirSync("/proc")) {
    if (/^\d+$/.test(entry) && commandHas(Number(entry), words)) return Number(entry);
  }
  return undefined;
}

/** CPU seconds the whole machine has been busy (all cores; /proc/stat without idle and iowait). */
export function machineBusySeconds(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return (total - (ticks[3] ?? 0) - (ticks[4] ?? 0)) / ticksPerSecond();
}

/** The soft limit on open files of this process (inherited by its children). */
export function openFilesLimit(): number {
  const match = /^Max open files\s+(\S+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
  return match?.[1] === "unlimited" || !match?.[1] ? Number.POSITIVE_INFINITY : Number(match[1]);
}
