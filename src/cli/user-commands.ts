/**
 * `switchboard user add|passwd|list`: the operator's account commands, as prosodyctl adduser/passwd and ejabberdctl
 * register offer them. They work on the configuration's store (without --config, the embedded default's
 * ./data/switchboard.db) with the daemon stopped or running (store/sqlite/open-sqlite-accounts.ts), and make and
 * change accounts with the native protocol's own rules and hashing (core/accounts.ts), so `register` and `user add`
 * cannot disagree on what a name or password may be. A subcommand is one entry of USER_COMMANDS.
 */
import type { Writable } from "node:stream";
import { loadConfigFile, loadDefaultConfig } from "../config/load-config.js";
import { changePassword, createAccount } from "../core/accounts.js";
import { GatewayError } from "../core/errors.js";
import { canonicalUserName, passwordProblem, userNameProblem } from "../core/model/account-rules.js";
import { openSqliteAccounts } from "../store/sqlite/index.js";
import type { AccountRecord, AccountStore } from "../store/store.js";
import { commandArguments, UsageError } from "./command-line.js";
import { readNewPassword, type PasswordSource } from "./read-password.js";

/** Where a command reads its password and writes its answer. */
export interface UserCommandIo extends PasswordSource {
  readonly stdout: Writable;
}

interface UserCommand {
  /** The operands after the subcommand, as the usage shows them. */
  readonly operands: readonly string[];
  readonly summary: string;
  run(store: AccountStore, operands: readonly string[], io: UserCommandIo): Promise<void>;
}

const USER_COMMANDS: Readonly<Record<string, UserCommand>> = {
  add: {
    operands: ["NAME"],
    summary: "make an account (native.registration: closed too)",
    async run(store, [name = ""], io) {
      refuse(userNameProblem(name));
      // Before asking for a password that could not be used.
      if ((await store.get(canonicalUserName(name))) !== undefined) throw new GatewayError("GW_ERR_USER_EXISTS", `the name "${canonicalUserName(name)}" is taken`);
      const password = await newPassword(io, `Password for ${canonicalUserName(name)}: `);
      const account = await createAccount(store, { name, password });
      io.stdout.write(`user ${account.name} created\n`);
    },
  },
  passwd: {
    operands: ["NAME"],
    summary: "set a user's password",
    async run(store, [name = ""], io) {
      const canonical = canonicalUserName(name);
      if ((await store.get(canonical)) === undefined) throw new GatewayError("GW_ERR_NOT_FOUND", `there is no user ${JSON.stringify(canonical)}`);
      await changePassword(store, canonical, await newPassword(io, `New password for ${canonical}: `));
      io.stdout.write(`password of ${canonical} changed\n`);
    },
  },
  list: {
    operands: [],
    summary: "list the user names, one a line; a disabled one with when and why",
    async run(store, _operands, io) {
      for (const account of await store.list()) io.stdout.write(`${listed(account)}\n`);
    },
  },
};

export const USER_USAGE = Object.entries(USER_COMMANDS)
  .map(([name, command]) => {
    const synopsis = `switchboard user ${[name, ...command.operands].join(" ")} [--config FILE]`;
    return `  ${synopsis.padEnd(48)}${command.summary}`;
  })
  .join("\n");

export async function userCommand(args: readonly string[], io: UserCommandIo): Promise<void> {
  const [subcommand = "", ...rest] = args;
  const command = Object.hasOwn(USER_COMMANDS, subcommand) ? USER_COMMANDS[subcommand] : undefined;
  if (command === undefined) {
    throw new UsageError(subcommand === "" ? "user needs a subcommand" : `unknown subcommand "user ${subcommand}"`);
  }
  const { config, operands } = commandArguments(rest, `user ${subcommand}`);
  if (operands.length !== command.operands.length) {
    throw new UsageError(`user ${subcommand} takes ${command.operands.length === 0 ? "no operand" : command.operands.join(" ")}; got ${operands.length === 0 ? "none" : `"${operands.join(" ")}"`}`);
  }
  const { store: storeConfig } = config === undefined ? await loadDefaultConfig() : await loadConfigFile(config);
  const opened = openSqliteAccounts(storeConfig.path);
  try {
    await command.run(opened.accounts, operands, io);
  } finally {
    opened.close();
  }
}

/** `name`, or for a disabled account `name<TAB>disabled<TAB>ISO time<TAB>reason`: the name stays the first field for scripts. */
export function listed(account: AccountRecord): string {
  const { disabled } = account;
  return disabled === undefined ? account.name : [account.name, "disabled", new Date(disabled.at).toISOString(), disabled.reason].join("\t");
}

async function newPassword(io: UserCommandIo, prompt: string): Promise<string> {
  const password = await readNewPassword(io, prompt);
  refuse(passwordProblem(password));
  return password;
}

function refuse(problem: string | undefined): void {
  if (problem !== undefined) throw new GatewayError("GW_ERR_BAD_FRAME", problem);
}
