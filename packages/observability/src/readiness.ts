import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Database } from "@agenda/db/client";
import { migrationsFolder } from "@agenda/db/migrate";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Logger } from "./logger";

/**
 * Why a check failed, as /readyz answers it: a fixed code, never an error's text, which can carry hosts, user names
 * or SQL. `unreachable`: what the check needs (the database) did not answer or refused; `timeout`: no answer within
 * 2 s; `not_migrated`: the database lacks this build's last migration; `stopped`: the job queue stopped (draining).
 */
export type ReadinessReason = "unreachable" | "timeout" | "not_migrated" | "stopped";

/** One thing a process needs before it can serve: throws when it is not there. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: true } | { ok: false; reason: ReadinessReason }>;
}

/** A check's own verdict; any other error it throws means what it checks could not be reached. */
class NotReadyError extends Error {
  constructor(
    readonly reason: ReadinessReason,
    message: string,
  ) {
    super(message);
  }
}

/** A stopped database can leave a query hanging on a half-open socket: readiness answers within this time anyway. */
const CHECK_TIMEOUT_MS = 2_000;

const journal = z.object({ entries: z.array(z.object({ tag: z.string(), when: z.number() })) });

/** The newest migration this build ships (drizzle records its `when` as the applied row's created_at). */
async function latestShippedMigration(): Promise<{ tag: string; when: number }> {
  const { entries } = journal.parse(
    JSON.parse(await readFile(join(migrationsFolder, "meta", "_journal.json"), "utf8")),
  );
  const latest = entries.at(-1);
  if (!latest) throw new Error("the drizzle journal lists no migration");
  return latest;
}

export function databaseCheck(db: Database): ReadinessCheck {
  return { name: "database", check: async () => void (await db.execute(sql`select 1`)) };
}

/** Ready once the database holds this build's last migration: a process of a newer build waits for its own boot to apply it. */
export function migrationsCheck(db: Database): ReadinessCheck {
  return {
    name: "migrations",
    async check() {
      const latest = await latestShippedMigration();
      const [row] = await db.execute<{ applied: string | null }>(
        sql`select max(created_at)::text as applied from drizzle.__drizzle_migrations`,
      );
      if (Number(row?.applied ?? 0) < latest.when)
        throw new NotReadyError("not_migrated", `migration ${latest.tag} is not applied`);
    },
  };
}

export function queueCheck(queue: { readonly accepting: boolean }): ReadinessCheck {
  return {
    name: "queue",
    check: async () => {
      if (!queue.accepting) throw new NotReadyError("stopped", "the job queue is stopped");
    },
  };
}

function withinTimeout(check: ReadinessCheck): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new NotReadyError("timeout", `no answer in ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  return Promise.race([check.check(), timeout]).finally(() => clearTimeout(timer));
}

/** Runs every check at once; the report names each one that failed and its reason, the error itself goes to `logger`. */
export async function checkReadiness(checks: ReadinessCheck[], logger: Logger): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (check) => {
      try {
        await withinTimeout(check);
        return [check.name, { ok: true }] as const;
      } catch (error) {
        const reason = error instanceof NotReadyError ? error.reason : "unreachable";
        logger.warn({ err: error, check: check.name, reason }, "readiness check failed");
        return [check.name, { ok: false, reason }] as const;
      }
    }),
  );
  return { ready: results.every(([, result]) => result.ok), checks: Object.fromEntries(results) };
}
