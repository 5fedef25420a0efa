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

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options: LoggerOptions = { level, base: { name: "switchboard" }, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } };
  return destination ? pino(options, destination) : pino(options);
}
