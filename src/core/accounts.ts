/**
 * Native accounts made and their passwords checked and changed, the same way wherever it is asked: the native
 * `register`, `login` and `account.password` frames and the operator's `switchboard user` commands
 * (src/cli/user-commands.ts), and a disabled account refused at login. The rules are core/model/account-rules.ts, the hashing core/passwords.ts. Nothing
 * here keeps a hash in memory: a password changed by another process on the same database (the CLI beside a
 * running daemon) counts at the daemon's next check.
 */
import { GatewayError } from "./errors.js";
import { canonicalUserName, passwordProblem, userNameProblem } from "./model/account-rules.js";
import { dummyHash, hashPassword, verifyPassword } from "./passwords.js";
import type { AccountRecord, AccountStore } from "../store/store.js";

export interface NewAccount {
  /** As written: stored in lower case. */
  readonly name: string;
  readonly password: string;
  /** Defaults to the name as written. */
  readonly displayName?: string;
}

function refuseBroken(problem: string | undefined): void {
  if (problem !== undefined) throw new GatewayError("GW_ERR_BAD_FRAME", problem);
}

/** Makes the account; GW_ERR_USER_EXISTS when the name is taken (in any case), GW_ERR_BAD_FRAME for a name or password the rules refuse. */
export async function createAccount(store: AccountStore, account: NewAccount, now: () => number = Date.now): Promise<AccountRecord> {
  refuseBroken(userNameProblem(account.name));
  refuseBroken(passwordProblem(account.password));
  const record: AccountRecord = {
    name: canonicalUserName(account.name),
    passwordHash: await hashPassword(account.password),
    displayName: account.displayName ?? account.name,
    createdAt: now(),
  };
  if (!(await store.create(record))) throw new GatewayError("GW_ERR_USER_EXISTS", `the name "${record.name}" is taken`);
  return record;
}

/**
 * The account when `password` is its password, else undefined: for an unknown name after as long as for a wrong
 * password, so that the time taken does not tell whether a user exists. A password changed while this one was
 * checked (the check takes a while) does not pass: a login with the old one racing the change must not make a
 * session that the change would have closed.
 */
export async function checkPassword(store: AccountStore, name: string, password: string): Promise<AccountRecord | undefined> {
  const canonical = canonicalUserName(name);
  const account = await store.get(canonical);
  const valid = await verifyPassword(password, account?.passwordHash ?? (await dummyHash()));
  if (account === undefined || !valid) return undefined;
  const now = await store.get(canonical);
  return now?.passwordHash === account.passwordHash ? now : undefined;
}

/**
 * Refuses a disabled account (core/account-suspension.ts) with GW_ERR_ACCOUNT_DISABLED. Asked once the password passed
 * (checkPassword), never before: someone guessing passwords learns nothing of the account from the answer, the same
 * GW_ERR_AUTH_FAILED as for any wrong password, while its user, who knows the password, learns why they cannot log in.
 * The operator's reason is not told: it is a note for the operators.
 */
export function refuseDisabled(account: AccountRecord): void {
  if (account.disabled !== undefined) throw new GatewayError("GW_ERR_ACCOUNT_DISABLED", `the account ${account.name} is disabled: ask the gateway's operators`);
}

/** Sets the user's password; GW_ERR_NOT_FOUND when there is no such user, GW_ERR_BAD_FRAME for a password the rules refuse. */
export async function changePassword(store: AccountStore, name: string, password: string): Promise<void> {
  refuseBroken(passwordProblem(password));
  const canonical = canonicalUserName(name);
  if (!(await store.setPasswordHash(canonical, await hashPassword(password)))) throw new GatewayError("GW_ERR_NOT_FOUND", `there is no user ${JSON.stringify(canonical)}`);
}
