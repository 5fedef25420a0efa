/** Structured logging (pino): one root logger built by the composition root, child loggers per component. */
import { pino, type Logger, type LoggerOptions, type DestinationStream } from "pino";

export type { Logger } from "pino";

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/** Keys whose values never reach a log line. */
export const REDACTED_PATHS = [
  "password",
  "*.password",
  "*.*.password",
  "secret",
  "*.secret",
  "*.*.secret",
  "token",
  "*.token",
  "frame.password",
];

/** Each root logger's children, alive or collected: a child keeps the level it had when it was made (pino). */
const childrenOf = new WeakMap<Logger, Set<WeakRef<Logger>>>();

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const children = new Set<WeakRef<Logger>>();
  const options: LoggerOptions = {
    level,
    base: { name: "switchboard" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    // Inherited by every child, so grandchildren are noted too.
    onChild: (child) => {
      children.add(new WeakRef(child));
      if (children.size % 1024 === 0) for (const ref of children) if (ref.deref() === undefined) children.delete(ref);
    },
  };
  const root = destination ? pino(options, destination) : pino(options);
  childrenOf.set(root, children);
  return root;
}

/** A new level for a root logger and every child of it (the configuration reloaded: log.level). */
export function setLogLevel(root: Logger, level: LogLevel): void {
  root.level = level;
  for (const ref of childrenOf.get(root) ?? []) {
    const child = ref.deref();
    if (child) child.level = level;
  }
}
