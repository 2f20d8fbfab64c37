import { createRequire } from "node:module";
import { currentLogContext } from "@agenda/domain/context";
import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger } from "pino";
/** Fields added to every log line, every job queued (the request id) and every audit row written inside `withLogContext`. */
export { currentLogContext, withLogContext, type LogContext } from "@agenda/domain/context";

/**
 * Secrets that may sit in what gets logged (headers, OAuth bodies, configs, job data): pino replaces them wherever
 * these paths match. Paths, not values: a token inside a message string is not caught, so messages never hold one.
 */
export const REDACTED_PATHS = [
  "authorization",
  "cookie",
  "token",
  "access_token",
  "refresh_token",
  "id_token",
  "client_secret",
  "clientSecret",
  "clientState",
  "code",
  "connectionParams",
  "password",
  "headers.authorization",
  "headers.cookie",
  // OAuth authorization codes, in the callback's query and the token request's body; not every `code` (errors have one).
  "query.code",
  "body.code",
  "*.query.code",
  "*.body.code",
  "query.token",
  "*.authorization",
  "*.cookie",
  "*.token",
  "*.access_token",
  "*.refresh_token",
  "*.id_token",
  "*.client_secret",
  "*.clientSecret",
  "*.clientState",
  "*.connectionParams",
  "*.password",
  "*.headers.authorization",
  "*.headers.cookie",
  '*.headers["x-agenda-service-token"]',
];

export interface LoggerOptions {
  /** pino level (`fatal` … `trace`, `silent`). */
  level: string;
  /** Human-readable lines through pino-pretty, when it is installed (development); JSON otherwise. */
  pretty?: boolean;
  /** Where JSON lines go (tests capture them); standard output by default. */
  destination?: DestinationStream;
  /** Names the process kind on each line: `server`, `worker`. */
  name?: string;
}

function prettyPrinterInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve("pino-pretty");
    return true;
  } catch {
    return false;
  }
}

export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    name: options.name,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    mixin: () => currentLogContext(),
  };
  if (options.pretty && !options.destination && prettyPrinterInstalled()) {
    return pino({
      ...settings,
      transport: { target: "pino-pretty", options: { ignore: "pid,hostname", translateTime: "SYS:HH:MM:ss.l" } },
    });
  }
  return pino(settings, options.destination);
}

/** A logger that writes nothing: for code paths (tests, tools) that were given none. */
export const silentLogger: Logger = pino({ level: "silent" });

/** The level and format the environment asks for: JSON in production and tests, pretty in development. */
export function loggerSettingsFor(
  nodeEnv: string,
  logLevel: string | undefined,
): Pick<LoggerOptions, "level" | "pretty"> {
  return { level: logLevel ?? "info", pretty: nodeEnv === "development" };
}
