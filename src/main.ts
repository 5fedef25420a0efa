/**
 * The command line: `switchboard start [--config FILE]`, `switchboard check-config FILE`, `switchboard user ...`
 * (cli/user-commands.ts), `switchboard backup DEST [--config FILE]` (cli/backup.ts),
 * `switchboard user delete NAME [--config FILE]` (cli/user-delete.ts), `switchboard user disable|enable NAME`
 * (cli/user-suspension.ts). The only place that calls process.exit. Every failure an operator can cause (port in use,
 * unreadable or invalid config, locked database, a taken name) ends in one line on stderr and exit code 1.
 */
import { readFileSync } from "node:fs";
import { ConfigError, loadConfigFile, loadDefaultConfig } from "./config/load-config.js";
import { createLogger } from "./core/logger.js";
import { GatewayError } from "./core/errors.js";
import { createGateway, type Gateway } from "./gateway.js";
import { commandArguments, UsageError } from "./cli/command-line.js";
import { PASSWORD_VARIABLE } from "./cli/read-password.js";
import { userCommand, USER_USAGE } from "./cli/user-commands.js";
import { backupStore } from "./cli/backup.js";
import { deleteUser } from "./cli/user-delete.js";
import { disableUser, enableUser, reasonOption } from "./cli/user-suspension.js";

const USAGE = `Usage:
  switchboard start [--config FILE]   run the gateway (without --config: the embedded default,
                                      native protocol on 127.0.0.1:7117, store in ./data/switchboard.db)
  switchboard check-config FILE       validate a configuration file; exit 0 if valid, 1 with every error
${USER_USAGE}
  switchboard user delete NAME [--config FILE]    delete an account while the gateway is stopped
  switchboard user disable NAME [--reason TEXT] [--config FILE]
                                                  disable an account (kept, cannot log in) while the gateway is stopped
  switchboard user enable NAME [--config FILE]    enable a disabled account again while the gateway is stopped
  switchboard backup DEST [--config FILE]         copy the store to the new file DEST, also while the gateway runs
  switchboard --version | --help

The password of user add and user passwd comes from the environment variable ${PASSWORD_VARIABLE} when set,
else from the terminal (asked twice, not shown), else from the first line of standard input.`;

/** Stop must finish within this; signals promise an exit within 5 s. */
const STOP_DEADLINE_MS = 4500;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

function fail(message: string): never {
  process.stderr.write(`switchboard: ${message}\n`);
  process.exit(1);
}

function describe(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  if (error instanceof GatewayError) return error.message;
  if (error instanceof Error) return error.message.split("\n")[0] ?? error.message;
  return String(error);
}

async function checkConfig(args: readonly string[]): Promise<void> {
  const [file, ...extra] = args;
  if (!file || file.startsWith("-")) fail(`check-config needs a FILE\n${USAGE}`);
  if (extra.length > 0) fail(`check-config takes one FILE; unexpected "${extra.join(" ")}"\n${USAGE}`);
  try {
    await loadConfigFile(file);
  } catch (error: unknown) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    fail(describe(error));
  }
  process.stdout.write(`${file}: ok\n`);
}

async function backup(args: readonly string[]): Promise<void> {
  const { config: file, operands } = commandArguments(args, "backup");
  const [destination, ...extra] = operands;
  if (destination === undefined) throw new UsageError("backup needs a DEST file");
  if (extra.length > 0) throw new UsageError(`backup takes one DEST; unexpected "${extra.join(" ")}"`);
  const config = file === undefined ? await loadDefaultConfig() : await loadConfigFile(file);
  const result = await backupStore(config, destination);
  process.stdout.write(`${result.source} backed up to ${destination} (${result.pages} pages)\n`);
}

/** `user delete NAME [--config FILE]`: an account deleted while the gateway is stopped (cli/user-delete.ts). */
async function userDelete(args: readonly string[]): Promise<void> {
  const { config: file, operands } = commandArguments(args, "user delete");
  const [name, ...extra] = operands;
  if (name === undefined) throw new UsageError("user delete needs a NAME");
  if (extra.length > 0) throw new UsageError(`user delete takes one NAME; unexpected "${extra.join(" ")}"`);
  const config = file === undefined ? await loadDefaultConfig() : await loadConfigFile(file);
  process.stdout.write(`${await deleteUser(config, name)}\n`);
}

/** `user disable NAME [--reason TEXT]` and `user enable NAME`, with the gateway stopped (cli/user-suspension.ts). */
async function userSuspension(verb: "disable" | "enable", args: readonly string[]): Promise<void> {
  const { reason, rest } = verb === "disable" ? reasonOption(args) : { reason: "", rest: args };
  const { config: file, operands } = commandArguments(rest, `user ${verb}`);
  const [name, ...extra] = operands;
  if (name === undefined) throw new UsageError(`user ${verb} needs a NAME`);
  if (extra.length > 0) throw new UsageError(`user ${verb} takes one NAME; unexpected "${extra.join(" ")}"`);
  const config = file === undefined ? await loadDefaultConfig() : await loadConfigFile(file);
  process.stdout.write(`${verb === "disable" ? await disableUser(config, name, reason) : await enableUser(config, name)}\n`);
}

async function start(args: string[]): Promise<void> {
  const { config: file, operands } = commandArguments(args, "start");
  // "start FILE" is a mistake for "start --config FILE": never the embedded default in place of the operator's file.
  if (operands.length > 0) throw new UsageError(`unknown option "${operands[0]}" for start`);
  // From the first moment: a SIGHUP while the gateway starts (systemctl reload right after start) is taken once it
  // runs, never Node's default, which would end the process; bin/switchboard.js keeps one that came even earlier.
  const global = globalThis as Record<symbol, unknown>;
  let hangupWaiting = global[Symbol.for("switchboard.hangupBeforeStart")] === true;
  let hangup: () => void = () => (hangupWaiting = true);
  process.on("SIGHUP", () => hangup());
  const early = global[Symbol.for("switchboard.hangupListener")];
  if (typeof early === "function") process.off("SIGHUP", early as () => void);
  let config;
  try {
    config = file ? await loadConfigFile(file) : await loadDefaultConfig();
  } catch (error: unknown) {
    if (error instanceof ConfigError) fail(`invalid configuration:\n${error.message}`);
    fail(describe(error));
  }
  const log = createLogger(config.log.level);
  // A rejection nobody handles is a bug, logged as one; it must not end the gateway for everyone, as Node's
  // default would (one IRC user's odd query, one stanza).
  process.on("unhandledRejection", (reason: unknown) => log.error({ err: reason }, "unhandled rejection (a bug); the gateway goes on"));
  let gateway: Gateway;
  try {
    gateway = await createGateway(config, log, { version: version() });
  } catch (error: unknown) {
    fail(describe(error));
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping");
    const deadline = setTimeout(() => {
      log.warn("stop took too long; exiting anyway");
      process.exit(0);
    }, STOP_DEADLINE_MS);
    deadline.unref();
    gateway.stop(signal).then(
      () => {
        log.info("stopped");
        log.flush();
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, "stop failed");
        process.exit(1);
      },
    );
  };
  // Reloads one at a time, in the order asked: the last SIGHUP's file is what runs.
  let reloading = Promise.resolve();
  const reload = (path: string): void => {
    reloading = reloading.then(async () => {
      if (stopping) return;
      log.info({ file: path }, "reloading the configuration file (SIGHUP)");
      try {
        await gateway.reload(await loadConfigFile(path));
      } catch (error: unknown) {
        log.error({ file: path, problems: describe(error) }, "configuration not reloaded: the gateway goes on as it was");
      }
    });
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  try {
    await gateway.start();
  } catch (error: unknown) {
    await gateway.stop("start failed").catch(() => undefined);
    fail(describe(error));
  }
  log.info({ version: version(), port: gateway.nativePort() }, "switchboard started");
  // With a configuration file, SIGHUP reloads it (as servers do: systemctl reload). Without one there is nothing to
  // reload, and SIGHUP (a closed terminal) is a clean stop, never Node's default abrupt exit.
  hangup = () => (file === undefined ? stop("SIGHUP") : reload(file));
  if (hangupWaiting) hangup();
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case "start":
      return start(rest);
    case "check-config":
      return checkConfig(rest);
    case "backup":
      return backup(rest);
    case "user":
      // delete, disable and enable need the gateway stopped (cli/user-delete.ts, cli/user-suspension.ts); the others its accounts only.
      if (rest[0] === "delete") return userDelete(rest.slice(1));
      if (rest[0] === "disable" || rest[0] === "enable") return userSuspension(rest[0], rest.slice(1));
      return userCommand(rest, { env: process.env, input: process.stdin, prompts: process.stderr, stdout: process.stdout });
    case "--version":
    case "-v":
      process.stdout.write(`${version()}\n`);
      return;
    case "--help":
    case "-h":
    case undefined:
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      fail(`unknown command "${command}"\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => fail(error instanceof UsageError ? `${error.message}\n${USAGE}` : describe(error)));
