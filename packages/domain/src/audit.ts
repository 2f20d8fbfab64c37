import type { DatabaseOrTransaction } from "@agenda/db/client";
import { auditLog, serviceTokens, users } from "@agenda/db/schema";
import { and, desc, eq, gte, inArray, like, lt, or, sql, type SQL } from "drizzle-orm";
import type { PgInsertValue } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { AuditAction } from "./audit-actions";
import { currentLogContext } from "./context";
import { isoInstant } from "./time";
import type { Viewer } from "./viewer";

/**
 * One fact for the audit log. The actor is a person (`actorUserId`), an app (`actorServiceTokenId`, with its name as
 * `actorLabel`), or, with neither, the system (`actorLabel` saying which part of it). People's emails are looked up as
 * the row is written, so the row still says who once they are gone. Never a token or a secret in it.
 */
export interface AuditEntry {
  action: AuditAction;
  outcome: "success" | "failure";
  /** The person the entry is about. */
  userId?: string | null;
  actorUserId?: string | null;
  actorServiceTokenId?: string | null;
  actorLabel?: string | null;
  integrationId?: string | null;
  subject?: { type: string; id: string; label?: string | null };
  detail?: Record<string, unknown> | null;
  /** Unset: the request (or the job queued by it) this runs in, from the log context. */
  requestId?: string | null;
}

/** Who does something: a person or an app calling the API, or a part of the system acting on its own. */
export type AuditActor = Viewer | { kind: "system"; label: string };

/** The actor columns of an actor: the person, the app with its name, or the system with what part of it acted. */
export function actorOf(actor: AuditActor): Pick<AuditEntry, "actorUserId" | "actorServiceTokenId" | "actorLabel"> {
  if (actor.kind === "user") return { actorUserId: actor.userId };
  if (actor.kind === "service") return { actorServiceTokenId: actor.serviceTokenId, actorLabel: actor.serviceName };
  return { actorLabel: actor.label };
}

const emailOf = (userId: string) => sql`(select ${users.email} from ${users} where ${users.id} = ${userId})`;

function rowOf(entry: AuditEntry): PgInsertValue<typeof auditLog> {
  const actorKind = entry.actorUserId ? "user" : entry.actorServiceTokenId ? "service" : "system";
  return {
    action: entry.action,
    outcome: entry.outcome,
    userId: entry.userId ?? null,
    userLabel: entry.userId ? emailOf(entry.userId) : null,
    actorKind,
    actorUserId: entry.actorUserId ?? null,
    // Viewers built in code (the demo seed, tests) name an app without a token row: the label still says which.
    actorServiceTokenId: entry.actorServiceTokenId
      ? sql`(select ${serviceTokens.id} from ${serviceTokens} where ${serviceTokens.id}::text = ${entry.actorServiceTokenId})`
      : null,
    actorLabel: entry.actorUserId ? emailOf(entry.actorUserId) : (entry.actorLabel ?? null),
    integrationId: entry.integrationId ?? null,
    subjectType: entry.subject?.type ?? null,
    subjectId: entry.subject?.id ?? null,
    subjectLabel: entry.subject?.label ?? null,
    detail: entry.detail ?? null,
    requestId: entry.requestId ?? currentLogContext().requestId ?? null,
  };
}

/** Appends to the audit log, one row per entry. Callers pass facts, never tokens or secrets. */
export async function recordAudit(
  db: DatabaseOrTransaction,
  entries: AuditEntry | readonly AuditEntry[],
): Promise<void> {
  const rows = (Array.isArray(entries) ? entries : [entries]).map(rowOf);
  if (rows.length > 0) await db.insert(auditLog).values(rows);
}

export const AUDIT_PAGE_MAX = 200;

export const listAuditLogInput = z
  .object({
    /** The last entry of the previous page (its `id`); none: the newest. */
    cursor: z
      .string()
      .regex(/^[1-9]\d{0,17}$/)
      .optional(),
    limit: z.int().min(1).max(AUDIT_PAGE_MAX).default(50),
    /** Entries about this person or done by them. */
    userId: z.uuid().optional(),
    /** The same by email, as admins know people; also finds the entries of someone no longer known. */
    userEmail: z.email().max(320).optional(),
    /** One action (`outlook.connect`), or every action of an area when it ends with a dot (`outlook.`). */
    action: z
      .string()
      .max(64)
      .regex(/^[a-z_]+(\.[a-z_]+)*\.?$/)
      .optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
  })
  .refine(({ from, to }) => !from || !to || to > from, { message: "rangeInverted", path: ["to"] });
export type ListAuditLogInput = z.output<typeof listAuditLogInput>;

export interface AuditLogEntry {
  id: string;
  occurredAt: string;
  action: string;
  outcome: "success" | "failure";
  actor: { kind: "user" | "service" | "system"; id: string | null; label: string | null };
  user: { id: string | null; label: string | null } | null;
  integrationId: string | null;
  subject: { type: string; id: string | null; label: string | null } | null;
  detail: Record<string, unknown> | null;
  requestId: string | null;
}

export interface AuditLogPage {
  entries: AuditLogEntry[];
  /** Pass it as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

async function personFilter(db: DatabaseOrTransaction, input: ListAuditLogInput): Promise<SQL | undefined> {
  const about = (userId: string) => or(eq(auditLog.userId, userId), eq(auditLog.actorUserId, userId));
  if (input.userId) return about(input.userId);
  if (!input.userEmail) return undefined;
  const [known] = await db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.email}) = lower(${input.userEmail})`);
  if (known) return about(known.id);
  // Someone no longer known: only the labels the rows kept still say it was them (a scan, for a rare question).
  return or(
    sql`lower(${auditLog.userLabel}) = lower(${input.userEmail})`,
    and(eq(auditLog.actorKind, "user"), sql`lower(${auditLog.actorLabel}) = lower(${input.userEmail})`),
  );
}

/** The audit log, newest first, a page at a time, filtered by person, action and period. */
export async function listAuditLog(db: DatabaseOrTransaction, input: ListAuditLogInput): Promise<AuditLogPage> {
  const action = input.action
    ? input.action.endsWith(".")
      ? like(auditLog.action, `${input.action.replaceAll("_", "\\_")}%`)
      : eq(auditLog.action, input.action)
    : undefined;
  // Row values compared whole: entries sharing an instant are neither skipped nor repeated from one page to the next.
  const after = input.cursor
    ? sql`(${auditLog.occurredAt}, ${auditLog.id}) < (select a.occurred_at, a.id from ${auditLog} a where a.id = ${input.cursor})`
    : undefined;
  const rows = await db
    .select()
    .from(auditLog)
    .where(
      and(
        await personFilter(db, input),
        action,
        input.from ? gte(auditLog.occurredAt, input.from) : undefined,
        input.to ? lt(auditLog.occurredAt, input.to) : undefined,
        after,
      ),
    )
    .orderBy(desc(auditLog.occurredAt), desc(auditLog.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  return {
    entries: page.map((row) => ({
      id: String(row.id),
      occurredAt: row.occurredAt.toISOString(),
      action: row.action,
      outcome: row.outcome,
      actor: { kind: row.actorKind, id: row.actorUserId ?? row.actorServiceTokenId, label: row.actorLabel },
      user: row.userId || row.userLabel ? { id: row.userId, label: row.userLabel } : null,
      integrationId: row.integrationId,
      subject: row.subjectType ? { type: row.subjectType, id: row.subjectId, label: row.subjectLabel } : null,
      detail: row.detail,
      requestId: row.requestId,
    })),
    nextCursor: rows.length > input.limit ? String(page.at(-1)?.id) : null,
  };
}

/** How long entries are kept unless the deployment says otherwise (AUDIT_LOG_RETENTION_DAYS). */
export const DEFAULT_AUDIT_RETENTION_DAYS = 400;
/** Deleted a batch at a time, each its own statement: a large first purge never holds one long lock. */
const PURGE_BATCH = 5_000;

/** Deletes the entries older than the retention period, and records that it did (with how many). */
export async function purgeAuditLog(
  db: DatabaseOrTransaction,
  retentionDays: number,
  now = new Date(),
): Promise<{ deleted: number; before: string }> {
  const before = new Date(now.getTime() - retentionDays * 86_400_000);
  let deleted = 0;
  for (;;) {
    const batch = await db
      .delete(auditLog)
      .where(
        inArray(
          auditLog.id,
          db.select({ id: auditLog.id }).from(auditLog).where(lt(auditLog.occurredAt, before)).limit(PURGE_BATCH),
        ),
      )
      .returning({ id: auditLog.id });
    deleted += batch.length;
    if (batch.length < PURGE_BATCH) break;
  }
  await recordAudit(db, {
    action: "audit_log.purged",
    outcome: "success",
    actorLabel: "retention",
    detail: { retentionDays, before: before.toISOString(), deleted },
  });
  return { deleted, before: before.toISOString() };
}
