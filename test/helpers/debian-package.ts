/**
 * Installs a Debian package that a test needs (a real server binary) when the machine lacks it and the tests
 * run as root, as on CI and on a fresh machine of this kind; otherwise says exactly how to install it.
 *
 * Installing a server package also starts its system service where the machine runs services (Debian's
 * prosody listens on 5222 and 5269). The tests never use it: they start their own instance on free loopback
 * ports with their own config and data, so a running system service is harmless.
 */
import { spawn } from "node:child_process";
import { constants, createWriteStream } from "node:fs";
import { access, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

const APT_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * apt-get takes dpkg's lock: two installs at once (a suite starting Prosody and ngIRCd together) would fail with
 * "Could not get lock". Installs of this process run one after the other; against another process holding the
 * lock (another test run, unattended upgrades) apt-get waits for it up to LOCK_WAIT_S.
 */
let installs: Promise<unknown> = Promise.resolve();
const LOCK_WAIT_S = 300;

let aptUpdated: Promise<void> | undefined;

/** The absolute path of an executable on PATH, or undefined. */
export async function findOnPath(binary: string): Promise<string | undefined> {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, binary);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export async function ensureDebianPackage(binary: string, pkg: string): Promise<void> {
  if (await findOnPath(binary)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`${binary} is not installed: run "sudo apt-get install ${pkg}" (Debian/Ubuntu), then npm test again`);
  }
  const install = installs.then(async () => {
    if (!(await findOnPath(binary))) await aptInstall(binary, pkg);
  });
  installs = install.catch(() => undefined);
  await install;
}

async function aptInstall(binary: string, pkg: string): Promise<void> {
  const log = join(tmpdir(), `switchboard-apt-${pkg}.log`);
  aptUpdated ??= runLogged("apt-get", [...lockWait(), "update"], log);
  try {
    await aptUpdated;
  } catch (error: unknown) {
    aptUpdated = undefined;
    throw error;
  }
  await runLogged("apt-get", [...lockWait(), "install", "-y", pkg], log);
  if (!(await findOnPath(binary))) {
    throw new Error(`apt-get installed ${pkg} but ${binary} is still not on PATH (${process.env["PATH"] ?? ""}); see ${log}`);
  }
}

const lockWait = (): string[] => ["-o", `DPkg::Lock::Timeout=${LOCK_WAIT_S}`];

/** Runs a command with its output appended to a log file; rejects with the log's tail on failure or timeout. */
async function runLogged(command: string, args: readonly string[], logPath: string): Promise<void> {
  const out = createWriteStream(logPath, { flags: "a" });
  await new Promise<void>((resolve, reject) => out.once("open", () => resolve()).once("error", reject));
  out.write(`\n$ ${command} ${args.join(" ")}\n`);
  const child = spawn(command, args, {
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });
  const outcome = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve({ code: null, error: new Error(`timed out after ${APT_TIMEOUT_MS / 1000} s`) });
    }, APT_TIMEOUT_MS);
    child.once("error", (error) => {
      clearTimeout(timer);
      resolve({ code: null, error });
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code });
    });
  });
  await new Promise<void>((resolve) => out.end(resolve));
  if (outcome.code === 0) return;
  const tail = (await readFile(logPath, "utf8").catch(() => "")).slice(-3000);
  const reason = outcome.error ? outcome.error.message : `exit code ${String(outcome.code)}`;
  throw new Error(`${command} ${args.join(" ")} failed (${reason}); log ${logPath}:\n${tail}`, { cause: outcome.error });
}
