// `npm run service-token -- create|list|revoke`: service tokens for deployments without the admin page. Talks to the
// database directly (DATABASE_URL, or the embedded PostgreSQL `npm start` runs); every change is audited like the API's.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { hostname, userInfo } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createDatabase, type Database } from "@agenda/db/client";
import { runningPostmasterPid } from "@agenda/db/embedded";
import { DomainError } from "@agenda/domain/errors";
import {
  createServiceTokenInput,
  issueServiceToken,
  listServiceTokens,
  revokeServiceToken,
  serviceTokenIdInput,
} from "@agenda/domain/service-tokens";
import { SERVICE_SCOPES } from "@agenda/domain/viewer";
import { presentVariables, withSecretFiles } from "@agenda/sync/deployment-env";
import { z } from "zod";

const USAGE = `Usage:
  npm run service-token -- create --name <app> --scopes <scope,scope> [--expires-at <ISO instant>]
  npm run service-token -- list
  npm run service-token -- revoke <id>
Scopes: ${SERVICE_SCOPES.join(", ")}. The token is printed once, alone on standard output.`;

class UsageError extends Error {}

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** DATABASE_URL (or DATABASE_URL_FILE), else the embedded cluster of a running `npm start` on DATA_DIR. */
async function databaseUrl(source: Record<string, string | undefined>): Promise<string> {
  const env = z
    .object({ DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(), DATA_DIR: z.string().min(1).optional() })
    .parse(presentVariables(withSecretFiles(source, ["DATABASE_URL"])));
  if (env.DATABASE_URL) return env.DATABASE_URL;
  const dataDir = resolve(repositoryRoot, env.DATA_DIR ?? ".data");
  const clusterDir = join(dataDir, "postgres");
  if ((await runningPostmasterPid(clusterDir)) === undefined) {
    throw new UsageError(
      `Set DATABASE_URL, or start Agenda (npm start) so its embedded PostgreSQL runs on ${clusterDir}.`,
    );
  }
  // postmaster.pid's fourth line is the port the cluster listens on.
  const port = (await readFile(join(clusterDir, "postmaster.pid"), "utf8")).split("\n")[3]?.trim();
  const password = (await readFile(join(dataDir, "postgres-password"), "utf8")).trim();
  return `postgres://agenda:${password}@127.0.0.1:${port}/agenda`;
}

const formatIssues = (error: z.ZodError) =>
  error.issues.map((issue) => `  ${issue.path.join(".") || "input"}: ${issue.message}`).join("\n");

async function run(
  db: Database,
  args: string[],
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { name: { type: "string" }, scopes: { type: "string" }, "expires-at": { type: "string" } },
  });
  const [command, ...rest] = positionals;
  const actor = { kind: "system" as const, label: `command line (${userInfo().username}@${hostname()})` };
  if (command === "create") {
    const input = createServiceTokenInput.safeParse({
      name: values.name,
      scopes: values.scopes?.split(",").map((scope) => scope.trim()) ?? [],
      expiresAt: values["expires-at"],
    });
    if (!input.success) throw new UsageError(`Invalid token:\n${formatIssues(input.error)}`);
    const { token, serviceToken } = await issueServiceToken(db, actor, input.data);
    err(
      `Created ${serviceToken.name} (${serviceToken.id}), scopes ${serviceToken.scopes.join(", ") || "none"}, ${serviceToken.expiresAt ? `expires ${serviceToken.expiresAt}` : "no expiry"}.`,
    );
    err("The token follows, shown this once: keep it in the calling app's secrets.");
    out(token);
  } else if (command === "list") {
    const tokens = await listServiceTokens(db, { limit: 500 });
    if (tokens.length === 0) out("No service token.");
    for (const token of tokens) {
      out(
        [
          token.id,
          token.name,
          token.status,
          token.scopes.join(",") || "-",
          `created ${token.createdAt}`,
          `last used ${token.lastUsedAt ?? "never"}`,
          token.expiresAt ? `expires ${token.expiresAt}` : "",
        ]
          .join("\t")
          .trimEnd(),
      );
    }
  } else if (command === "revoke") {
    const input = serviceTokenIdInput.safeParse({ id: rest[0] });
    if (!input.success) throw new UsageError(`Invalid id:\n${formatIssues(input.error)}`);
    const revoked = await revokeServiceToken(db, actor, input.data.id).catch((error: unknown) => {
      throw error instanceof DomainError && error.code === "SERVICE_TOKEN_NOT_FOUND"
        ? new UsageError(`No service token has the id ${input.data.id}.`)
        : error;
    });
    out(`Revoked ${revoked.name} (${revoked.id}) at ${revoked.revokedAt}: it is refused from now on.`);
  } else {
    throw new UsageError(USAGE);
  }
}

async function main(): Promise<number> {
  const envFile = join(repositoryRoot, ".env");
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const connection = createDatabase(await databaseUrl(process.env), { max: 1 });
  try {
    await run(
      connection.db,
      process.argv.slice(2),
      (line) => process.stdout.write(`${line}\n`),
      (line) => process.stderr.write(`${line}\n`),
    );
    return 0;
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // parseArgs refuses an unknown option or a missing value with a TypeError coded ERR_PARSE_ARGS_….
    const badArguments =
      error instanceof TypeError && String((error as NodeJS.ErrnoException).code).startsWith("ERR_PARSE_ARGS");
    if (error instanceof UsageError) process.stderr.write(`${error.message}\n`);
    else if (badArguments) process.stderr.write(`${error.message}\n${USAGE}\n`);
    else process.stderr.write(`${String(error)}\n`);
    process.exit(error instanceof UsageError || badArguments ? 2 : 1);
  },
);
