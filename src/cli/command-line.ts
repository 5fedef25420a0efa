/**
 * What the commands of src/main.ts share: their arguments read one way, and the two kinds of failure main.ts prints
 * (a command used wrongly, answered with the usage; anything else, one line).
 */

/** The command was used wrongly: main.ts prints the message and the usage. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface CommandArguments {
  /** The FILE of `--config FILE` or `--config=FILE`. */
  readonly config: string | undefined;
  /** The arguments that are no option, in order. */
  readonly operands: readonly string[];
}

/**
 * `--config FILE` (or `--config=FILE`) and operands. Any other option is refused: a mistyped one (`--confg`) must not
 * run a command with the embedded default in place of the operator's configuration.
 */
export function commandArguments(args: readonly string[], command: string): CommandArguments {
  let config: string | undefined;
  const operands: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? "";
    if (arg === "--config" || arg.startsWith("--config=")) {
      config = arg === "--config" ? args[(index += 1)] : arg.slice("--config=".length);
      if (!config || config.startsWith("-")) throw new UsageError("--config needs a FILE");
    } else if (arg.startsWith("-")) {
      throw new UsageError(`unknown option "${arg}" for ${command}`);
    } else {
      operands.push(arg);
    }
  }
  return { config, operands };
}
