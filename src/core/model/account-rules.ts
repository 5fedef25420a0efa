/**
 * What a native user's name and password may be: one set of rules for every way an account is made or its password
 * changed (the native `register` and `account.password` frames, whose JSON Schemas are built from these constants,
 * and the operator's `switchboard user` commands, which check with the functions below).
 */

/** 1 to 32 letters, digits, '.', '_', '-', starting with a letter or digit; case-insensitive (stored in lower case). */
export const USER_NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$";
/** Counted in characters (Unicode code points), as JSON Schema's minLength and maxLength count them. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 1024;

const USER_NAME = new RegExp(USER_NAME_PATTERN);

/** The name as stored and addressed (native:<name>): user names are case-insensitive. */
export function canonicalUserName(name: string): string {
  return name.toLowerCase();
}

export function isUserName(name: string): boolean {
  return USER_NAME.test(name);
}

/** Why `name` cannot be a user's name, or undefined when it can. */
export function userNameProblem(name: string): string | undefined {
  if (isUserName(name)) return undefined;
  return `${JSON.stringify(name)} is not a valid user name: 1 to 32 letters, digits, '.', '_' or '-', starting with a letter or digit`;
}

/** Why `password` cannot be a password, or undefined when it can. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length >= PASSWORD_MIN_LENGTH && length <= PASSWORD_MAX_LENGTH) return undefined;
  return `a password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long`;
}

/** The longest reason an operator may give for disabling an account (core/account-suspension.ts). */
export const DISABLED_REASON_MAX_LENGTH = 200;

/** Why `reason` cannot be the reason an account is disabled, or undefined when it can: one line of plain text. */
export function disabledReasonProblem(reason: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(reason)) return "a reason is one line of text, without control characters";
  if ([...reason].length > DISABLED_REASON_MAX_LENGTH) return `a reason is at most ${DISABLED_REASON_MAX_LENGTH} characters long`;
  return undefined;
}
