import { readFileSync } from "node:fs";
import { z } from "zod";
import { isLoopbackHost } from "./notifications/notification-endpoints";

/**
 * The variables that hold secrets. Each can instead be read from a file named by `<NAME>_FILE` (Docker and Kubernetes
 * secrets), so the secret never sits in the process environment others can list.
 */
export const SECRET_VARIABLES = [
  "DATABASE_URL",
  "TOKEN_ENCRYPTION_KEY",
  "TOKEN_ENCRYPTION_KEYS",
  "PLATFORM_JWT_SECRET",
  "OUTLOOK_CLIENT_SECRET",
  "METRICS_TOKEN",
] as const;

/** URLs browsers or Microsoft follow: in production they must be HTTPS, unless they stay on this machine. */
export const HTTPS_IN_PRODUCTION = [
  "OUTLOOK_REDIRECT_URI",
  "BACKEND_URL",
  "OUTLOOK_NOTIFICATION_URL",
  "PLATFORM_JWKS_URL",
] as const;

/** The environment variables about how a process runs, shared by the server and the workers. */
export const deploymentEnvironment = {
  /** `production` turns on the production rules: every secret set, HTTPS only, no demo mode, JSON logs. */
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** Default: `info`. `debug` also logs every successful Graph call. */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
};

export class InvalidSecretFileError extends Error {
  constructor(problems: string[]) {
    super(
      `Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}\nSee .env.example for every variable.`,
    );
    this.name = "InvalidSecretFileError";
  }
}

/**
 * The environment with each secret variable (or each of `variables`) filled from its `_FILE` twin: read once, at boot, trimmed (files end
 * with a newline). An unreadable file, or a secret given both ways, is an error naming the variable.
 */
export function withSecretFiles(
  source: Record<string, string | undefined>,
  variables: readonly string[] = SECRET_VARIABLES,
): Record<string, string | undefined> {
  const resolved = { ...source };
  const problems: string[] = [];
  for (const name of variables) {
    const fileVariable = `${name}_FILE`;
    const file = source[fileVariable];
    if (!file) continue;
    delete resolved[fileVariable];
    if (source[name]) {
      problems.push(`${fileVariable}: set ${name} or ${fileVariable}, not both`);
      continue;
    }
    try {
      resolved[name] = readFileSync(file, "utf8").trim();
    } catch (error) {
      problems.push(`${fileVariable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`);
    }
  }
  if (problems.length > 0) throw new InvalidSecretFileError(problems);
  return resolved;
}

/** The variables of `source` that are set: an empty variable counts as absent. */
export function presentVariables(source: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(source).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ""),
  );
}

/** What production mode refuses among the URLs: plain http to another machine. */
export function productionUrlIssues(
  env: Partial<Record<string, unknown>>,
): Array<{ variable: string; message: string }> {
  return HTTPS_IN_PRODUCTION.flatMap((variable) => {
    const value = env[variable];
    // A value that is no URL at all is reported by the variable's own schema.
    if (typeof value !== "string" || !URL.canParse(value)) return [];
    const url = new URL(value);
    return url.protocol === "http:" && !isLoopbackHost(url.hostname)
      ? [{ variable, message: "must be an https:// URL in production (plain http is only allowed on localhost)" }]
      : [];
  });
}
