import type { DatabaseOrTransaction } from "@agenda/db/client";
import { agendaEvents, enrollments, formations, users } from "@agenda/db/schema";
import { and, asc, eq, gte, isNull, lt, notInArray, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { actorOf, recordAudit, type AuditEntry } from "./audit";
import { DomainError } from "./errors";
import { httpsUrl } from "./link-schema";
import { ianaTimeZone, isoInstant } from "./time";
import { ensureNamedPeople, namedPersonInput } from "./users";
import { hasServiceScope, type Viewer } from "./viewer";

export type FormationRow = typeof formations.$inferSelect;

export const listFormationsInput = z
  .object({
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    limit: z.int().min(1).max(500).default(100),
  })
  .refine(({ from, to }) => !from || !to || to > from, { message: "rangeInverted", path: ["to"] });

export const formationIdInput = z.object({ id: z.uuid() });

export const upsertFormationInput = z
  .object({
    /** Update this formation; without it (and without a known externalId) a new one is created. */
    id: z.uuid().optional(),
    externalId: z.string().min(1).max(128).optional(),
    title: z.string().trim().min(1).max(255),
    description: z.string().max(100_000).default(""),
    location: z.string().trim().max(255).nullable().default(null),
    onlineUrl: httpsUrl.nullable().default(null),
    startsAt: isoInstant,
    endsAt: isoInstant,
    timeZone: ianaTimeZone,
    status: z.enum(["scheduled", "cancelled"]).default("scheduled"),
    /** The trainer; a trainer calling without it trains the formation themselves. Naming someone gives them no role. */
    trainer: namedPersonInput.optional(),
    /** When given, replaces the enrolled learners. */
    learners: z.array(namedPersonInput).max(1000).optional(),
  })
  .refine(({ startsAt, endsAt }) => endsAt > startsAt, { message: "endBeforeStart", path: ["endsAt"] });

export type ListFormationsInput = z.output<typeof listFormationsInput>;
export type UpsertFormationInput = z.output<typeof upsertFormationInput>;

export interface Formation {
  id: string;
  externalId: string | null;
  title: string;
  description: string;
  location: string | null;
  onlineUrl: string | null;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  status: FormationRow["status"];
  version: number;
  trainer: { id: string; name: string; email: string } | null;
  learnerCount: number;
  updatedAt: string;
}

/** Which formations a viewer may see: people what they train or are enrolled in, admins and scoped apps everything. */
function visibleTo(viewer: Viewer): SQL | undefined {
  if (viewer.kind === "service") {
    if (!hasServiceScope(viewer, "formations:read") && !hasServiceScope(viewer, "formations:write")) {
      throw new DomainError("FORBIDDEN");
    }
    return undefined;
  }
  if (viewer.role === "admin") return undefined;
  const enrolled = sql`exists (select 1 from ${enrollments} where ${enrollments.formationId} = ${formations.id} and ${enrollments.userId} = ${viewer.userId})`;
  return or(eq(formations.trainerId, viewer.userId), enrolled);
}

const learnerCount = sql<number>`(select count(*)::int from ${enrollments} where ${enrollments.formationId} = ${formations.id})`;

async function selectFormations(
  db: DatabaseOrTransaction,
  where: SQL | undefined,
  limit: number,
): Promise<Formation[]> {
  const rows = await db
    .select({ formation: formations, trainer: { id: users.id, name: users.name, email: users.email }, learnerCount })
    .from(formations)
    .leftJoin(users, eq(users.id, formations.trainerId))
    .where(where)
    .orderBy(asc(formations.startsAt), asc(formations.id))
    .limit(limit);
  return rows.map(({ formation, trainer, learnerCount: count }) => ({
    id: formation.id,
    externalId: formation.externalId,
    title: formation.title,
    description: formation.description,
    location: formation.location,
    onlineUrl: formation.onlineUrl,
    startsAt: formation.startsAt.toISOString(),
    endsAt: formation.endsAt.toISOString(),
    timeZone: formation.timeZone,
    status: formation.status,
    version: formation.version,
    trainer: trainer?.id ? trainer : null,
    learnerCount: count,
    updatedAt: formation.updatedAt.toISOString(),
  }));
}

export async function listFormations(
  db: DatabaseOrTransaction,
  viewer: Viewer,
  input: ListFormationsInput,
): Promise<Formation[]> {
  const where = and(
    visibleTo(viewer),
    input.to ? lt(formations.startsAt, input.to) : undefined,
    input.from ? gte(formations.endsAt, input.from) : undefined,
  );
  return selectFormations(db, where, input.limit);
}

export async function getFormation(db: DatabaseOrTransaction, viewer: Viewer, id: string): Promise<Formation> {
  const [formation] = await selectFormations(db, and(eq(formations.id, id), visibleTo(viewer)), 1);
  if (!formation) throw new DomainError("FORMATION_NOT_FOUND", { id });
  return formation;
}

function assertMayWrite(viewer: Viewer): void {
  if (viewer.kind === "service" ? !hasServiceScope(viewer, "formations:write") : viewer.role === "learner") {
    throw new DomainError("FORBIDDEN");
  }
}

/**
 * Whose externalIds a caller writes: an app's (its service tokens' name, so a rotated token keeps its formations) or
 * a person's own. Nobody reaches another namespace's formation by externalId.
 */
function externalIdNamespaceOf(viewer: Viewer): string {
  return viewer.kind === "service" ? `service:${viewer.serviceName}` : `user:${viewer.userId}`;
}

/** Formations from before namespaces: the first app or admin upserting their externalId claims them, never a trainer. */
function mayClaimUnnamespaced(viewer: Viewer): boolean {
  return viewer.kind === "service" || viewer.role === "admin";
}

/** The formation an upsert changes, locked for the transaction; undefined when it creates one. */
async function findExisting(
  db: DatabaseOrTransaction,
  viewer: Viewer,
  input: UpsertFormationInput,
): Promise<FormationRow | undefined> {
  if (input.id) {
    const [row] = await db.select().from(formations).where(eq(formations.id, input.id)).for("update");
    if (!row) throw new DomainError("FORMATION_NOT_FOUND", { id: input.id });
    return row;
  }
  if (!input.externalId) return undefined;
  const namespace = externalIdNamespaceOf(viewer);
  // Two upserts of one new externalId at once would both insert: the second waits here and then finds the first.
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${namespace}\n${input.externalId}`}, 0))`);
  const claimable = mayClaimUnnamespaced(viewer) ? isNull(formations.externalIdNamespace) : sql`false`;
  const [row] = await db
    .select()
    .from(formations)
    .where(
      and(eq(formations.externalId, input.externalId), or(eq(formations.externalIdNamespace, namespace), claimable)),
    )
    .orderBy(sql`${formations.externalIdNamespace} nulls last`)
    .limit(1)
    .for("update");
  return row;
}

/**
 * The externalId a formation ends up with: the caller's, in its namespace, when the formation is new, has none, or is
 * already the caller's (or unclaimed and the caller may claim it); otherwise unchanged, and asking for another one is
 * refused: an id set by one app is never taken over by another caller.
 */
async function externalIdAfterUpsert(
  db: DatabaseOrTransaction,
  viewer: Viewer,
  existing: FormationRow | undefined,
  input: UpsertFormationInput,
): Promise<{ externalId: string | null; externalIdNamespace: string | null }> {
  const namespace = externalIdNamespaceOf(viewer);
  const kept = { externalId: existing?.externalId ?? null, externalIdNamespace: existing?.externalIdNamespace ?? null };
  if (input.externalId === undefined) return kept;
  const ours = { externalId: input.externalId, externalIdNamespace: namespace };
  const claimable =
    !existing ||
    existing.externalId === null ||
    existing.externalIdNamespace === namespace ||
    (existing.externalIdNamespace === null && mayClaimUnnamespaced(viewer));
  if (!claimable) {
    // Someone else's formation sent back with its own externalId (a trainer editing an app's formation): unchanged.
    if (input.externalId === existing.externalId) return kept;
    throw new DomainError("EXTERNAL_ID_FOREIGN", { externalId: input.externalId });
  }
  const [taken] = await db
    .select({ id: formations.id })
    .from(formations)
    .where(and(eq(formations.externalIdNamespace, namespace), eq(formations.externalId, input.externalId)));
  if (taken && taken.id !== existing?.id)
    throw new DomainError("EXTERNAL_ID_FOREIGN", { externalId: input.externalId });
  return ours;
}

/** What the audit log says of a formation: each field an update changed, by name (their values are the formation's). */
const AUDITED_FIELDS = [
  "title",
  "description",
  "location",
  "onlineUrl",
  "startsAt",
  "endsAt",
  "timeZone",
  "status",
  "trainerId",
] as const satisfies ReadonlyArray<keyof FormationRow>;

/**
 * The audit entries of one upsert: the formation created, updated (only when something changed, so an app sending its
 * catalogue again every night writes nothing) or cancelled, and one entry per person enrolled or unenrolled, about them.
 */
function formationAuditEntries(
  viewer: Viewer,
  existing: FormationRow | undefined,
  row: FormationRow,
  enrolments: { added: string[]; removed: string[] },
): AuditEntry[] {
  const actor = actorOf(viewer);
  const subject = { type: "formation", id: row.id, label: row.title };
  const entries: AuditEntry[] = [];
  const same = (before: unknown, after: unknown) =>
    before instanceof Date && after instanceof Date ? before.getTime() === after.getTime() : before === after;
  const changed = existing ? AUDITED_FIELDS.filter((field) => !same(existing[field], row[field])) : [];
  if (!existing) {
    entries.push({
      ...actor,
      action: "formation.created",
      outcome: "success",
      subject,
      detail: { startsAt: row.startsAt.toISOString(), status: row.status, trainerId: row.trainerId },
    });
  } else if (changed.length > 0) {
    const cancelled = existing.status !== "cancelled" && row.status === "cancelled";
    entries.push({
      ...actor,
      action: cancelled ? "formation.cancelled" : "formation.updated",
      outcome: "success",
      subject,
      detail: { changed },
    });
  }
  for (const userId of enrolments.added)
    entries.push({ ...actor, userId, action: "enrolment.added", outcome: "success", subject });
  for (const userId of enrolments.removed)
    entries.push({ ...actor, userId, action: "enrolment.removed", outcome: "success", subject });
  return entries;
}

/**
 * Creates or updates a formation and its enrolments, then brings its participants' agenda events in line.
 * Runs in one transaction: the formation and every agenda event change together or not at all.
 */
export async function upsertFormation(
  db: DatabaseOrTransaction,
  viewer: Viewer,
  input: UpsertFormationInput,
): Promise<Formation> {
  assertMayWrite(viewer);
  const formationId = await db.transaction(async (tx) => {
    const existing = await findExisting(tx, viewer, input);
    const [named] = input.trainer ? await ensureNamedPeople(tx, [input.trainer]) : [];
    const callerTrains = viewer.kind === "user" && viewer.role === "trainer";
    const trainerId = named ? named.id : callerTrains ? viewer.userId : (existing?.trainerId ?? null);
    if (callerTrains) {
      const ownsIt = (existing === undefined || existing.trainerId === viewer.userId) && trainerId === viewer.userId;
      if (!ownsIt) throw new DomainError("TRAINER_ONLY_OWN_FORMATIONS");
    }

    const values = {
      ...(await externalIdAfterUpsert(tx, viewer, existing, input)),
      title: input.title,
      description: input.description,
      location: input.location,
      onlineUrl: input.onlineUrl,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      timeZone: input.timeZone,
      status: input.status,
      trainerId,
    };
    const [row] = existing
      ? await tx
          .update(formations)
          .set({ ...values, version: sql`${formations.version} + 1`, updatedAt: new Date() })
          .where(eq(formations.id, existing.id))
          .returning()
      : await tx.insert(formations).values(values).returning();
    if (!row) throw new Error("formation write returned no row");

    const enrolments = { added: [] as string[], removed: [] as string[] };
    if (input.learners) {
      const learnerIds = (await ensureNamedPeople(tx, input.learners)).map(({ id }) => id);
      const removed = await tx
        .delete(enrollments)
        .where(
          and(
            eq(enrollments.formationId, row.id),
            learnerIds.length ? notInArray(enrollments.userId, learnerIds) : undefined,
          ),
        )
        .returning({ userId: enrollments.userId });
      enrolments.removed = removed.map(({ userId }) => userId);
      if (learnerIds.length) {
        const added = await tx
          .insert(enrollments)
          .values(learnerIds.map((userId) => ({ formationId: row.id, userId })))
          .onConflictDoNothing()
          .returning({ userId: enrollments.userId });
        enrolments.added = added.map(({ userId }) => userId);
      }
    }
    await alignFormationEvents(tx, row);
    await recordAudit(tx, formationAuditEntries(viewer, existing, row, enrolments));
    return row.id;
  });
  const [formation] = await selectFormations(db, eq(formations.id, formationId), 1);
  if (!formation) throw new DomainError("FORMATION_NOT_FOUND", { id: formationId });
  return formation;
}

/**
 * Every participant (enrolled learners and the trainer) of a scheduled formation has one agenda event mirroring it;
 * everyone else, and everyone once it is cancelled, has its event tombstoned so the removal reaches Outlook.
 */
export async function alignFormationEvents(db: DatabaseOrTransaction, formation: FormationRow): Promise<void> {
  const enrolled = await db
    .select({ userId: enrollments.userId })
    .from(enrollments)
    .where(eq(enrollments.formationId, formation.id));
  const participantIds = new Set(enrolled.map(({ userId }) => userId));
  if (formation.trainerId) participantIds.add(formation.trainerId);
  const participants = formation.status === "scheduled" ? [...participantIds] : [];

  const mirrored = {
    title: formation.title,
    body: formation.description,
    location: formation.location,
    onlineUrl: formation.onlineUrl,
    startsAt: formation.startsAt,
    endsAt: formation.endsAt,
    timeZone: formation.timeZone,
    isAllDay: false,
    startDate: null,
    endDate: null,
  };
  if (participants.length) {
    await db
      .insert(agendaEvents)
      .values(
        participants.map((ownerId) => ({
          ownerId,
          source: "formation" as const,
          formationId: formation.id,
          ...mirrored,
        })),
      )
      .onConflictDoUpdate({
        target: [agendaEvents.ownerId, agendaEvents.formationId],
        targetWhere: sql`${agendaEvents.formationId} is not null`,
        set: { ...mirrored, deletedAt: null, version: sql`${agendaEvents.version} + 1`, updatedAt: new Date() },
      });
  }
  await db
    .update(agendaEvents)
    .set({ deletedAt: new Date(), version: sql`${agendaEvents.version} + 1`, updatedAt: new Date() })
    .where(
      and(
        eq(agendaEvents.formationId, formation.id),
        isNull(agendaEvents.deletedAt),
        participants.length ? notInArray(agendaEvents.ownerId, participants) : undefined,
      ),
    );
}
