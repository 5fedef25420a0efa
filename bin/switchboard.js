#!/usr/bin/env node
// Runs the compiled CLI when `npm run build` has produced dist/, else the TypeScript sources through tsx,
// so a clone works without a build step.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

// Loading the gateway takes a moment: a SIGHUP meanwhile (systemctl reload right after start) is kept for it
// (src/main.ts takes it over), never Node's default, which would end the process.
const hangupBeforeStart = () => {
  globalThis[Symbol.for("switchboard.hangupBeforeStart")] = true;
};
process.on("SIGHUP", hangupBeforeStart);
globalThis[Symbol.for("switchboard.hangupListener")] = hangupBeforeStart;

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const compiled = join(root, "dist", "main.js");
if (existsSync(compiled)) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(join(root, "src", "main.ts")).href);
}
