import type { DatabaseOrTransaction } from "@agenda/db/client";
import { agendaEvents, enrollments, formationSessions, formations, users } from "@agenda/db/schema";
import { and, asc, desc, eq, gte, inArray, isNull, lt, notInArray, or, sql, type SQL } from "drizzle-orm";
import type { SQLWrapper } from "drizzle-orm";
import { z } from "zod";
import { actorOf, recordAudit, type AuditEntry } from "./audit";
import { DomainError } from "./errors";
import { httpsUrl } from "./link-schema";
import { ianaTimeZone, isoInstant } from "./time";
import { ensureNamedPeople, namedPersonInput } from "./users";
import { hasServiceScope, type Viewer } from "./viewer";

export type FormationRow = typeof formations.$inferSelect;
export type FormationSessionRow = typeof formationSessions.$inferSelect;

export const listFormationsInput = z
  .object({
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    status: z.enum(["scheduled", "cancelled"]).optional(),
    /** By start: soonest first (asc) or latest first (desc, for past formations). */
    order: z.enum(["asc", "desc"]).default("asc"),
    limit: z.int().min(1).max(500).default(100),
  })
  .refine(({ from, to }) => !from || !to || to > from, { message: "rangeInverted", path: ["to"] });

export const formationIdInput = z.object({ id: z.uuid() });

/** The most sessions a formation has: six Monday mornings or a year of weekly ones fit, a runaway loop does not. */
export const MAX_SESSIONS = 100;

const sessionInput = z
  .object({
    /** One of this formation's sessions, to change it; without it the session is new. */
    id: z.uuid().optional(),
    startsAt: isoInstant,
    endsAt: isoInstant,
    /** Its own room or online link; none: the formation's. */
    location: z.string().trim().max(255).nullable().default(null),
    onlineUrl: httpsUrl.nullable().default(null),
  })
  .refine(({ startsAt, endsAt }) => endsAt > startsAt, { message: "endBeforeStart", path: ["endsAt"] });

export type SessionInput = z.output<typeof sessionInput>;

export const upsertFormationInput = z
  .object({
    /** Update this formation; without it (and without a known externalId) a new one is created. */
    id: z.uuid().optional(),
    externalId: z.string().min(1).max(128).optional(),
    title: z.string().trim().min(1).max(255),
    description: z.string().max(100_000).default(""),
    location: z.string().trim().max(255).nullable().default(null),
    onlineUrl: httpsUrl.nullable().default(null),
    /** One continuous block (one session): what callers sent before sessions existed. Ignored when sessions are given. */
    startsAt: isoInstant.optional(),
    endsAt: isoInstant.optional(),
    /**
     * The sessions, replacing the formation's: those with an id of this formation change, those without are new, the
     * formation's others are removed. Stored (and numbered) by start.
     */
    sessions: z.array(sessionInput).min(1).max(MAX_SESSIONS).optional(),
    timeZone: ianaTimeZone,
    status: z.enum(["scheduled", "cancelled"]).default("scheduled"),
    /** Why it is cancelled (with status "cancelled"); dropped when it is scheduled again. Omitted: the one it has. */
    cancellationReason: z.string().trim().max(1000).nullable().optional(),
    /** The trainer; a trainer calling without it trains the formation themselves. Naming someone gives them no role. */
    trainer: namedPersonInput.optional(),
    /** When given, replaces the enrolled learners. */
    learners: z.array(namedPersonInput).max(1000).optional(),
  })
  .refine(({ sessions, startsAt, endsAt }) => sessions !== undefined || (startsAt && endsAt), {
    message: "timingNeedsSessions",
    path: ["sessions"],
  })
  .refine(({ sessions, startsAt, endsAt }) => sessions !== undefined || !startsAt || !endsAt || endsAt > startsAt, {
    message: "endBeforeStart",
    path: ["endsAt"],
  })
  .refine(
    ({ sessions }) => {
      const ids = (sessions ?? []).flatMap(({ id }) => (id ? [id] : []));
      return new Set(ids).size === ids.length;
    },
    { message: "sessionRepeated", path: ["sessions"] },
  )
  .transform(({ startsAt, endsAt, sessions, ...input }) => ({
    ...input,
    /** Sent as one block (startsAt/endsAt): it is the formation's session, whatever that session's id. */
    singleBlock: sessions === undefined,
    // Validated above: a block without sessions has both instants.
    sessions: (sessions ?? [{ startsAt: startsAt as Date, endsAt: endsAt as Date, location: null, onlineUrl: null }])
      .slice()
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime()) as SessionInput[],
  }));

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
  cancellationReason: string | null;
  version: number;
  trainer: Person | null;
  learnerCount: number;
  /** The enrolled learners, for admins, apps and the formation's trainer; null for anyone else (learners never see each other). */
  learners: EnrolledLearner[] | null;
  /** By start; the formation's startsAt/endsAt are the first one's start and the last one's end. */
  sessions: FormationSession[];
  updatedAt: string;
}

export interface Person {
  id: string;
  name: string;
  email: string;
}

/** An enrolled learner, with the platform's id by which the formation's planners send the enrolment back. */
export interface EnrolledLearner extends Person {
  platformUserId: string;
}

export interface FormationSession {
  id: string;
  /** 1-based rank by start. */
  position: number;
  startsAt: string;
  endsAt: string;
  location: string | null;
  onlineUrl: string | null;
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

/** Whether the viewer may see who is enrolled in a formation: apps, admins and its trainer. */
function seesLearners(viewer: Viewer, formation: FormationRow): boolean {
  return viewer.kind === "service" || viewer.role === "admin" || formation.trainerId === viewer.userId;
}

async function selectFormations(
  db: DatabaseOrTransaction,
  viewer: Viewer,
  where: SQL | undefined,
  { limit, order = "asc" }: { limit: number; order?: ListFormationsInput["order"] },
): Promise<Formation[]> {
  const byStart =
    order === "desc"
      ? [desc(formations.startsAt), desc(formations.id)]
      : [asc(formations.startsAt), asc(formations.id)];
  const rows = await db
    .select({ formation: formations, trainer: { id: users.id, name: users.name, email: users.email }, learnerCount })
    .from(formations)
    .leftJoin(users, eq(users.id, formations.trainerId))
    .where(where)
    .orderBy(...byStart)
    .limit(limit);
  if (rows.length === 0) return [];
  const ids = rows.map(({ formation }) => formation.id);
  const sessions = await db
    .select()
    .from(formationSessions)
    .where(inArray(formationSessions.formationId, ids))
    .orderBy(asc(formationSessions.startsAt), asc(formationSessions.position));
  const withLearners = rows
    .filter(({ formation }) => seesLearners(viewer, formation))
    .map(({ formation }) => formation.id);
  const learners = withLearners.length
    ? await db
        .select({
          formationId: enrollments.formationId,
          id: users.id,
          platformUserId: users.platformUserId,
          name: users.name,
          email: users.email,
        })
        .from(enrollments)
        .innerJoin(users, eq(users.id, enrollments.userId))
        .where(inArray(enrollments.formationId, withLearners))
        .orderBy(asc(users.name), asc(users.id))
    : [];
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
    cancellationReason: formation.cancellationReason,
    version: formation.version,
    trainer: trainer?.id ? trainer : null,
    learnerCount: count,
    learners: withLearners.includes(formation.id)
      ? learners
          .filter(({ formationId }) => formationId === formation.id)
          .map(({ id, platformUserId, name, email }) => ({ id, platformUserId, name, email }))
      : null,
    sessions: sessions
      .filter(({ formationId }) => formationId === formation.id)
      .map((session) => ({
        id: session.id,
        position: session.position,
        startsAt: session.startsAt.toISOString(),
        endsAt: session.endsAt.toISOString(),
        location: session.location,
        onlineUrl: session.onlineUrl,
      })),
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
    input.status ? eq(formations.status, input.status) : undefined,
  );
  return selectFormations(db, viewer, where, input);
}

export async function getFormation(db: DatabaseOrTransaction, viewer: Viewer, id: string): Promise<Formation> {
  const [formation] = await selectFormations(db, viewer, and(eq(formations.id, id), visibleTo(viewer)), { limit: 1 });
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
  "cancellationReason",
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
  changes: { fields: string[]; added: string[]; removed: string[] },
): AuditEntry[] {
  const actor = actorOf(viewer);
  const subject = { type: "formation", id: row.id, label: row.title };
  const entries: AuditEntry[] = [];
  const changed = changes.fields;
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
  for (const userId of changes.added)
    entries.push({ ...actor, userId, action: "enrolment.added", outcome: "success", subject });
  for (const userId of changes.removed)
    entries.push({ ...actor, userId, action: "enrolment.removed", outcome: "success", subject });
  return entries;
}

function sameValue(before: unknown, after: unknown): boolean {
  return before instanceof Date && after instanceof Date ? before.getTime() === after.getTime() : before === after;
}

/**
 * Brings the formation's sessions in line with the input: sessions with an id of this formation are changed, those
 * without are added, the formation's others removed; all renumbered by start. Says whether anything changed. An id
 * that is not one of this formation's sessions is refused: a caller never moves another formation's session.
 */
async function saveSessions(
  db: DatabaseOrTransaction,
  formationId: string,
  existing: FormationSessionRow[],
  wanted: SessionInput[],
): Promise<boolean> {
  const byId = new Map(existing.map((session) => [session.id, session]));
  for (const { id } of wanted)
    if (id !== undefined && !byId.has(id)) throw new DomainError("FORMATION_SESSION_FOREIGN", { id });
  const kept = new Set(wanted.flatMap(({ id }) => (id ? [id] : [])));
  const removed = existing.filter(({ id }) => !kept.has(id)).map(({ id }) => id);
  if (removed.length) await db.delete(formationSessions).where(inArray(formationSessions.id, removed));
  let changed = removed.length > 0;
  const added: Array<typeof formationSessions.$inferInsert> = [];
  for (const [index, session] of wanted.entries()) {
    const values = {
      position: index + 1,
      startsAt: session.startsAt,
      endsAt: session.endsAt,
      location: session.location,
      onlineUrl: session.onlineUrl,
    };
    const current = session.id ? byId.get(session.id) : undefined;
    if (!current) {
      added.push({ formationId, ...values });
      continue;
    }
    const same = (Object.keys(values) as Array<keyof typeof values>).every((key) =>
      sameValue(current[key], values[key]),
    );
    if (same) continue;
    changed = true;
    await db
      .update(formationSessions)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(formationSessions.id, current.id));
  }
  if (added.length) {
    changed = true;
    await db.insert(formationSessions).values(added);
  }
  return changed;
}

/**
 * Creates or updates a formation, its sessions and its enrolments, then brings its participants' agenda events in
 * line. Runs in one transaction: the formation and every agenda event change together or not at all. An upsert that
 * changes nothing changes no version, so nothing is written to Outlook.
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

    const cancelled = input.status === "cancelled";
    const firstSession = input.sessions[0];
    const lastEnd = Math.max(...input.sessions.map(({ endsAt }) => endsAt.getTime()));
    if (!firstSession) throw new Error("a formation input always holds a session");
    const values = {
      ...(await externalIdAfterUpsert(tx, viewer, existing, input)),
      title: input.title,
      description: input.description,
      location: input.location,
      onlineUrl: input.onlineUrl,
      startsAt: firstSession.startsAt,
      endsAt: new Date(lastEnd),
      timeZone: input.timeZone,
      status: input.status,
      // An empty reason is none; an omitted one keeps the reason the formation has.
      cancellationReason: cancelled
        ? input.cancellationReason === undefined
          ? (existing?.cancellationReason ?? null)
          : input.cancellationReason || null
        : null,
      trainerId,
    };
    const fieldsChanged = existing
      ? AUDITED_FIELDS.filter((field) => !sameValue(existing[field], values[field]))
      : [...AUDITED_FIELDS];
    const externalIdChanged =
      existing !== undefined &&
      (existing.externalId !== values.externalId || existing.externalIdNamespace !== values.externalIdNamespace);
    let row: FormationRow | undefined = existing;
    if (!existing) [row] = await tx.insert(formations).values(values).returning();
    else if (fieldsChanged.length > 0 || externalIdChanged)
      [row] = await tx
        .update(formations)
        .set({ ...values, updatedAt: new Date() })
        .where(eq(formations.id, existing.id))
        .returning();
    if (!row) throw new Error("formation write returned no row");

    const currentSessions = existing
      ? await tx.select().from(formationSessions).where(eq(formationSessions.formationId, row.id))
      : [];
    // A block sent the way callers did before sessions is the formation's (first) session, moved: not a new one.
    const [firstCurrent] = currentSessions.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
    const wantedSessions =
      input.singleBlock && firstCurrent ? [{ ...firstSession, id: firstCurrent.id }] : input.sessions;
    const sessionsChanged = await saveSessions(tx, row.id, currentSessions, wantedSessions);
    if (existing && (fieldsChanged.length > 0 || sessionsChanged)) {
      // The formation's version counts changes of what it shows (the calendar feeds' SEQUENCE), not re-sent copies.
      [row] = await tx
        .update(formations)
        .set({ version: sql`${formations.version} + 1`, updatedAt: new Date() })
        .where(eq(formations.id, row.id))
        .returning();
      if (!row) throw new Error("formation write returned no row");
    }

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
    const changedFields = [...(existing ? fieldsChanged : []), ...(existing && sessionsChanged ? ["sessions"] : [])];
    await recordAudit(tx, formationAuditEntries(viewer, existing, row, { fields: changedFields, ...enrolments }));
    return row.id;
  });
  const [formation] = await selectFormations(db, viewer, eq(formations.id, formationId), { limit: 1 });
  if (!formation) throw new DomainError("FORMATION_NOT_FOUND", { id: formationId });
  return formation;
}

/**
 * A session's title as its Outlook copies and the calendar feeds show it: the formation's, numbered "(2/3)" when it
 * has several sessions. SQL, so the set-based alignment and the feeds' reads title sessions with the same words.
 */
export function sessionTitle(formationTitle: SQLWrapper, position: SQLWrapper, total: SQLWrapper): SQL<string> {
  return sql<string>`case when ${total} > 1 then ${formationTitle} || ' (' || ${position} || '/' || ${total} || ')' else ${formationTitle} end`;
}

/** What a formation row of the agenda mirrors of its formation and session; a change of any of these is a new version. */
const MIRRORED_COLUMNS = [
  "formation_id",
  "title",
  "body",
  "location",
  "online_url",
  "starts_at",
  "ends_at",
  "time_zone",
  "show_as",
  "formation_cancelled",
  "cancellation_reason",
] as const;

/**
 * Every participant (enrolled learners and the trainer) has one agenda event per session of the formation, mirroring
 * it: the formation's title (numbered "(2/3)" when it has several sessions), the session's times, its room or link
 * (else the formation's); a cancelled formation's events stay, marked cancelled (free, with the reason). Everyone
 * else's events, and those of removed sessions, are tombstoned so the removal reaches Outlook. A row whose mirror is
 * unchanged keeps its version: the export writes only the copies whose content changed. Set-based (one insert over
 * sessions × participants), so a formation with a thousand learners costs the same few statements.
 */
export async function alignFormationEvents(db: DatabaseOrTransaction, formation: FormationRow): Promise<void> {
  const id = formation.id;
  const columns = sql.raw(MIRRORED_COLUMNS.join(", "));
  const fromExcluded = sql.raw(MIRRORED_COLUMNS.map((column) => `${column} = excluded.${column}`).join(", "));
  const current = sql.raw(MIRRORED_COLUMNS.map((column) => `agenda_events.${column}`).join(", "));
  const incoming = sql.raw(MIRRORED_COLUMNS.map((column) => `excluded.${column}`).join(", "));
  const participants = sql`(
    select ${enrollments.userId} as user_id from ${enrollments} where ${enrollments.formationId} = ${id}
    union select ${formations.trainerId} from ${formations} where ${formations.id} = ${id} and ${formations.trainerId} is not null
  )`;
  await db.execute(sql`
    insert into ${agendaEvents} (owner_id, source, formation_session_id, is_all_day, ${columns})
    select p.user_id, 'formation', s.id, false, f.id,
      ${sessionTitle(sql`f.title`, sql`s.position`, sql`n.total`)},
      f.description, coalesce(s.location, f.location), coalesce(s.online_url, f.online_url), s.starts_at, s.ends_at,
      f.time_zone, (case when f.status = 'cancelled' then 'free' else 'busy' end)::show_as, f.status = 'cancelled',
      case when f.status = 'cancelled' then f.cancellation_reason end
    from ${formations} f
    join ${formationSessions} s on s.formation_id = f.id
    cross join (select count(*)::int as total from ${formationSessions} where formation_id = ${id}) n
    cross join ${participants} p
    where f.id = ${id}
    on conflict (owner_id, formation_session_id) where formation_session_id is not null do update
      set ${fromExcluded}, deleted_at = null, version = agenda_events.version + 1, updated_at = now()
      where (${current}) is distinct from (${incoming}) or agenda_events.deleted_at is not null`);
  await db.execute(sql`
    update ${agendaEvents} set deleted_at = now(), version = version + 1, updated_at = now()
    where formation_id = ${id} and deleted_at is null and (
      formation_session_id is null
      or formation_session_id not in (select id from ${formationSessions} where formation_id = ${id})
      or owner_id not in ${participants})`);
}
