/**
 * Where a bench ran, for the head of its output and its JSON results file: the machine (CPU, cores, memory,
 * kernel, Node and the version of the server it bridges to) and the daemon's checkout (its commit, and whether its
 * src/ differs from it). The same lines in every bench, so that figures from different benches can be set side by
 * side.
 */
import { execFileSync } from "node:child_process";
import { cpus, release, totalmem } from "node:os";

/** The date, the machine and Node, and `server` (e.g. "Prosody 0.12.3") on Node's line when given. */
export function machineDescription(server?: string): string {
  const cores = cpus();
  return [
    `date: ${new Date().toISOString()}`,
    `machine: ${cores[0]?.model ?? "unknown CPU"}, ${cores.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}`,
    `node: ${process.version}${server === undefined ? "" : `, ${server}`}`,
  ].join("\n");
}

/** The daemon's commit, and whether its src/ differs from it (read-only git commands). */
export function daemonSource(root: string): string {
  try {
    const commit = execFileSync("git", ["-C", root, "rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["-C", root, "status", "--porcelain", "--", "src"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return `${root} at ${commit}${dirty ? " with uncommitted changes in src/" : ""}`;
  } catch {
    return `${root} (not a git checkout)`;
  }
}
