/**
 * The password for `switchboard user add` and `user passwd`, as operators of other servers expect it (prosodyctl,
 * ejabberdctl): from the environment variable SWITCHBOARD_PASSWORD when it is set (scripts; it is not seen in `ps`
 * as an argument would be); else typed at a terminal, twice, without echo; else the first line of standard input
 * (`printf '%s\n' "$PW" | switchboard user add alice`).
 */
import type { Readable, Writable } from "node:stream";

export const PASSWORD_VARIABLE = "SWITCHBOARD_PASSWORD";

/** Standard input as a terminal may be: raw mode is what turns its echo off. */
export type PasswordInput = Readable & { readonly isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

export interface PasswordSource {
  readonly env: NodeJS.ProcessEnv;
  readonly input: PasswordInput;
  /** Where prompts go: standard error, so that standard output stays the command's. */
  readonly prompts: Writable;
}

export class PasswordInputError extends Error {
  override readonly name = "PasswordInputError";
}

export async function readNewPassword(source: PasswordSource, prompt: string): Promise<string> {
  const fromEnv = source.env[PASSWORD_VARIABLE];
  if (fromEnv !== undefined) return fromEnv;
  const { input, prompts } = source;
  if (input.isTTY === true && input.setRawMode !== undefined) {
    const [first, again] = await typedWithoutEcho(input, prompts, [prompt, "Again: "]);
    if (first !== again) throw new PasswordInputError("the passwords typed do not match");
    return first ?? "";
  }
  return firstLine(input);
}

/**
 * One line per prompt, typed at a terminal in raw mode (no echo): Enter ends a line, Backspace takes back a
 * character, Ctrl-U the line; Ctrl-C or Ctrl-D gives up (raw mode makes Ctrl-C a character, not SIGINT).
 */
function typedWithoutEcho(input: PasswordInput, prompts: Writable, promptsInTurn: readonly string[]): Promise<string[]> {
  const lines: string[] = [];
  let typed: string[] = [];
  let previous = "";
  prompts.write(promptsInTurn[0] ?? "");
  input.setRawMode?.(true);
  input.setEncoding("utf8");
  input.resume();
  return new Promise((resolve, reject) => {
    const finish = (): void => {
      input.off("data", onData);
      input.off("end", onEnd);
      input.setRawMode?.(false);
      input.pause();
      prompts.write("\n");
    };
    const giveUp = (reason: string): void => {
      finish();
      reject(new PasswordInputError(reason));
    };
    const onEnd = (): void => giveUp("no password typed");
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        const afterReturn = previous === "\r";
        previous = char;
        if (char === "\u0003") return giveUp("cancelled");
        if (char === "\u0004") return onEnd();
        if (char === "\n" && afterReturn) continue; // CR LF is one Enter
        if (char === "\r" || char === "\n") {
          lines.push(typed.join(""));
          typed = [];
          const next = promptsInTurn[lines.length];
          if (next === undefined) {
            finish();
            return resolve(lines);
          }
          prompts.write(`\n${next}`);
        } else if (char === "\u007f" || char === "\b") typed = typed.slice(0, -1);
        else if (char === "\u0015") typed = [];
        else if (char >= " ") typed.push(char);
      }
    };
    input.on("data", onData);
    input.on("end", onEnd);
  });
}

/** The first line of a pipe or file, without its line ending; the input is not read further. */
function firstLine(input: Readable): Promise<string> {
  input.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let text = "";
    const finish = (): void => {
      input.off("data", onData);
      input.off("end", onEnd);
      input.off("error", onError);
      input.pause();
    };
    const onData = (chunk: string): void => {
      text += chunk;
      const end = text.indexOf("\n");
      if (end < 0) return;
      finish();
      resolve(text.slice(0, end).replace(/\r$/, ""));
    };
    const onEnd = (): void => {
      finish();
      if (text === "") reject(new PasswordInputError(`no password: set ${PASSWORD_VARIABLE} or write it on standard input`));
      else resolve(text.replace(/\r$/, ""));
    };
    const onError = (error: Error): void => {
      finish();
      reject(new PasswordInputError(`cannot read the password from standard input: ${error.message}`));
    };
    input.on("data", onData);
    input.on("end", onEnd);
    input.on("error", onError);
  });
}
