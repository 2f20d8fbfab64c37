import { DateTime } from "luxon";

/**
 * What the planning form edits. Session times are wall-clock values in the formation's time zone, as
 * <input type="datetime-local"> shows them; a session's own room or link, which the form does not edit, is kept as is.
 */
export interface FormationFormValues {
  id?: string;
  title: string;
  description: string;
  timeZone: string;
  location: string;
  onlineUrl: string;
  sessions: SessionFormValues[];
  learners: EnrolledPerson[];
  /** Whether learners were enrolled or unenrolled: only then is the enrolment sent (and replaced). */
  enrolmentChanged: boolean;
  /** Not edited by the form (cancelling is its own action), but sent back as it is: saving never un-cancels. */
  status: FormationStatus;
  cancellationReason: string | null;
}

export type FormationStatus = "scheduled" | "cancelled";

export interface SessionFormValues {
  /** Tells sessions apart in the form (React keys, labels) before they have an id. */
  key: string;
  id?: string;
  start: string;
  end: string;
  location?: string | null;
  onlineUrl?: string | null;
}

/** A learner as the form shows them and `formations.upsert` names them: by the platform's id. */
export interface EnrolledPerson {
  id: string;
  platformUserId: string;
  name: string;
  email: string;
}

/** A formation as `formations.get` answers it, in the fields the form reads. */
export interface PlannedFormation {
  id: string;
  title: string;
  description: string;
  location: string | null;
  onlineUrl: string | null;
  timeZone: string;
  status: FormationStatus;
  cancellationReason: string | null;
  sessions: ReadonlyArray<{
    id: string;
    startsAt: string;
    endsAt: string;
    location: string | null;
    onlineUrl: string | null;
  }>;
  learners: readonly EnrolledPerson[] | null;
}

/** What the form sends to `formations.upsert`. */
export interface FormationUpsertFields {
  id?: string;
  title: string;
  description: string;
  timeZone: string;
  location: string | null;
  onlineUrl: string | null;
  sessions: Array<{
    id?: string;
    startsAt: string;
    endsAt: string;
    location?: string | null;
    onlineUrl?: string | null;
  }>;
  status: FormationStatus;
  cancellationReason: string | null;
  /** Replaces the enrolment; without it, the enrolment stays as it is. */
  learners?: Array<{ platformUserId: string; name: string; email: string }>;
}

export type FormationFormProblem =
  | { field: "title"; problem: "required" }
  | { field: "timeZone"; problem: "unknownTimeZone" }
  | { field: "onlineUrl"; problem: "httpsOnly" }
  | { field: "sessions"; problem: "noSession" }
  | { field: "session"; key: string; problem: "invalidTime" | "endBeforeStart" };

/** Sessions at most, as the API takes them. */
export const MAX_SESSIONS = 100;
const LOCAL_DATE_TIME = "yyyy-LL-dd'T'HH:mm";

function localDateTime(instant: string, timeZone: string): string {
  return DateTime.fromISO(instant, { zone: timeZone }).toFormat(LOCAL_DATE_TIME);
}

let nextKey = 0;
/** A key no other session of this page has. */
export function newSessionKey(): string {
  nextKey += 1;
  return `session-${nextKey}`;
}

/** The time zone the browser runs in: a new formation's, until the planner picks another. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "Europe/Paris";
}

export function isKnownTimeZone(timeZone: string): boolean {
  return DateTime.local().setZone(timeZone).isValid;
}

/** A new formation: one session tomorrow, 9:00–17:00, in the given zone. */
export function newFormationValues(now: Date, timeZone: string): FormationFormValues {
  const day = DateTime.fromJSDate(now, { zone: timeZone }).plus({ days: 1 }).startOf("day");
  return {
    title: "",
    description: "",
    timeZone,
    location: "",
    onlineUrl: "",
    sessions: [
      {
        key: newSessionKey(),
        start: day.set({ hour: 9 }).toFormat(LOCAL_DATE_TIME),
        end: day.set({ hour: 17 }).toFormat(LOCAL_DATE_TIME),
      },
    ],
    learners: [],
    enrolmentChanged: false,
    status: "scheduled",
    cancellationReason: null,
  };
}

export function formValuesFromFormation(formation: PlannedFormation): FormationFormValues {
  return {
    id: formation.id,
    title: formation.title,
    description: formation.description,
    timeZone: formation.timeZone,
    location: formation.location ?? "",
    onlineUrl: formation.onlineUrl ?? "",
    sessions: formation.sessions.map((session) => ({
      key: session.id,
      id: session.id,
      start: localDateTime(session.startsAt, formation.timeZone),
      end: localDateTime(session.endsAt, formation.timeZone),
      location: session.location,
      onlineUrl: session.onlineUrl,
    })),
    learners: (formation.learners ?? []).map(({ id, platformUserId, name, email }) => ({
      id,
      platformUserId,
      name,
      email,
    })),
    enrolmentChanged: false,
    status: formation.status,
    cancellationReason: formation.cancellationReason,
  };
}

/** Another session after the last one: the next day at the same times (tomorrow 9:00–17:00 when there is none). */
export function addSession(values: FormationFormValues, now: Date): FormationFormValues {
  const last = values.sessions.at(-1);
  if (!last) return { ...values, sessions: newFormationValues(now, values.timeZone).sessions };
  const shift = (value: string) => {
    const moment = DateTime.fromISO(value);
    return moment.isValid ? moment.plus({ days: 1 }).toFormat(LOCAL_DATE_TIME) : value;
  };
  return {
    ...values,
    sessions: [...values.sessions, { key: newSessionKey(), start: shift(last.start), end: shift(last.end) }],
  };
}

export function removeSession(values: FormationFormValues, key: string): FormationFormValues {
  return { ...values, sessions: values.sessions.filter((session) => session.key !== key) };
}

export function changeSession(
  values: FormationFormValues,
  key: string,
  change: Partial<Pick<SessionFormValues, "start" | "end">>,
): FormationFormValues {
  return {
    ...values,
    sessions: values.sessions.map((session) => (session.key === key ? { ...session, ...change } : session)),
  };
}

/** Sessions in the order they happen (the order Outlook numbers them in); ones not yet valid stay where they are last. */
export function sessionsInOrder(sessions: readonly SessionFormValues[]): SessionFormValues[] {
  const timeOf = (session: SessionFormValues) => DateTime.fromISO(session.start).toMillis();
  return [...sessions].sort((first, second) => {
    const a = timeOf(first);
    const b = timeOf(second);
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
    return a - b;
  });
}

/** Enrols a person found by search; someone already enrolled stays once. */
export function enrol(values: FormationFormValues, person: EnrolledPerson): FormationFormValues {
  if (values.learners.some(({ id }) => id === person.id)) return values;
  return { ...values, learners: [...values.learners, person], enrolmentChanged: true };
}

export function unenrol(values: FormationFormValues, personId: string): FormationFormValues {
  return { ...values, learners: values.learners.filter(({ id }) => id !== personId), enrolmentChanged: true };
}

function isHttpsUrl(text: string): boolean {
  try {
    return new URL(text).protocol === "https:";
  } catch {
    return false;
  }
}

/** The form as `formations.upsert` takes it, sessions in the order they happen, or every reason it cannot be sent. */
export function upsertFieldsFromForm(
  values: FormationFormValues,
): { fields: FormationUpsertFields } | { problems: FormationFormProblem[] } {
  const problems: FormationFormProblem[] = [];
  const title = values.title.trim();
  if (!title) problems.push({ field: "title", problem: "required" });
  const timeZone = values.timeZone.trim();
  const zoneKnown = isKnownTimeZone(timeZone);
  if (!zoneKnown) problems.push({ field: "timeZone", problem: "unknownTimeZone" });
  const onlineUrl = values.onlineUrl.trim();
  if (onlineUrl && !isHttpsUrl(onlineUrl)) problems.push({ field: "onlineUrl", problem: "httpsOnly" });
  if (values.sessions.length === 0) problems.push({ field: "sessions", problem: "noSession" });

  const sessions: FormationUpsertFields["sessions"] = [];
  for (const session of sessionsInOrder(values.sessions)) {
    const startsAt = DateTime.fromISO(session.start, { zone: zoneKnown ? timeZone : "UTC" });
    const endsAt = DateTime.fromISO(session.end, { zone: zoneKnown ? timeZone : "UTC" });
    if (!startsAt.isValid || !endsAt.isValid) {
      problems.push({ field: "session", key: session.key, problem: "invalidTime" });
      continue;
    }
    if (endsAt <= startsAt) {
      problems.push({ field: "session", key: session.key, problem: "endBeforeStart" });
      continue;
    }
    sessions.push({
      ...(session.id ? { id: session.id } : {}),
      startsAt: startsAt.toISO({ suppressMilliseconds: true }) ?? "",
      endsAt: endsAt.toISO({ suppressMilliseconds: true }) ?? "",
      ...(session.location !== undefined ? { location: session.location } : {}),
      ...(session.onlineUrl !== undefined ? { onlineUrl: session.onlineUrl } : {}),
    });
  }
  if (problems.length > 0) return { problems };
  return {
    fields: {
      ...(values.id ? { id: values.id } : {}),
      title,
      description: values.description,
      timeZone,
      location: values.location.trim() || null,
      onlineUrl: onlineUrl || null,
      sessions,
      status: values.status,
      cancellationReason: values.status === "cancelled" ? values.cancellationReason : null,
      ...(values.enrolmentChanged || !values.id
        ? { learners: values.learners.map(({ platformUserId, name, email }) => ({ platformUserId, name, email })) }
        : {}),
    },
  };
}

/** Reasons longer than this are refused by the API. */
export const MAX_CANCELLATION_REASON = 1000;

/**
 * A formation cancelled with a reason, or scheduled again (the reason dropped), as `formations.upsert` takes it: the
 * formation as it is, its enrolment untouched.
 */
export function statusChangeFields(
  formation: PlannedFormation,
  status: FormationStatus,
  reason: string | null,
): ReturnType<typeof upsertFieldsFromForm> {
  return upsertFieldsFromForm({
    ...formValuesFromFormation(formation),
    status,
    cancellationReason: status === "cancelled" ? reason?.trim().slice(0, MAX_CANCELLATION_REASON) || null : null,
  });
}

export type PlanningFilter = "upcoming" | "past" | "cancelled";

/** What `formations.list` is asked for each filter of the planning list. */
export function listInputFor(
  filter: PlanningFilter,
  now: Date,
): { from?: string; to?: string; status: "scheduled" | "cancelled"; order: "asc" | "desc"; limit: number } {
  const instant = now.toISOString();
  if (filter === "upcoming") return { from: instant, status: "scheduled", order: "asc", limit: 100 };
  if (filter === "past") return { to: instant, status: "scheduled", order: "desc", limit: 100 };
  return { status: "cancelled", order: "desc", limit: 100 };
}
