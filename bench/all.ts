/**
 * `npm run bench`: the four benchmarks, one after the other, each a process of its own: bench/native-direct.ts
 * (native direct messages) with every option given, then bench/xmpp.ts (the XMPP paths), bench/irc.ts (the IRC
 * paths and puppet memory) and bench/bridge.ts (an IRC channel bridged to an XMPP MUC, against Biboumi) with the
 * options all understand in the same sense (--runs, --daemon-root). Stops at the first that fails, with its exit
 * code. For the other benches' own options, run `npm run bench:xmpp -- ...`, `bench:irc` or `bench:bridge`.
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SHARED = new Set(["--runs", "--daemon-root"]);

const args = process.argv.slice(2);
const shared: string[] = [];
for (let index = 0; index < args.length; index++) {
  const arg = args[index] as string;
  const [name] = arg.split("=", 1);
  if (!SHARED.has(name ?? "")) continue;
  shared.push(arg);
  if (!arg.includes("=") && index + 1 < args.length) shared.push(args[++index] as string);
}

/** Runs one benchmark; SIGINT and SIGTERM are passed on, so that it kills its own children and temp dirs. */
function runScript(script: string, scriptArgs: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...scriptArgs], { cwd: ROOT, stdio: "inherit" });
    const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

async function main(): Promise<void> {
  for (const [script, scriptArgs] of [
    ["bench/native-direct.ts", args],
    ["bench/xmpp.ts", shared],
    ["bench/irc.ts", shared],
    ["bench/bridge.ts", shared],
  ] as const) {
    const code = await runScript(script, scriptArgs);
    if (code !== 0) process.exit(code);
    process.stdout.write("\n");
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${String(error)}\n`);
  process.exit(1);
});
