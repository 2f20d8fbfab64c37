/** Sessions as the planning pages show them: when they happen, in the person's language and time zone. */
interface SessionTimes {
  startsAt: string;
  endsAt: string;
}

/** From the first session's day to the last one's ("14 – 16 déc. 2026"); nothing when there is no session. */
export function formatSessionsSpan(sessions: readonly SessionTimes[], locale: string, timeZone: string): string {
  if (sessions.length === 0) return "";
  const starts = sessions.map(({ startsAt }) => Date.parse(startsAt));
  const ends = sessions.map(({ endsAt }) => Date.parse(endsAt));
  const format = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone });
  return format.formatRange(Math.min(...starts), Math.max(...ends));
}

/** One session: its day, and its start and end times. */
export function formatSession(session: SessionTimes, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "full", timeStyle: "short", timeZone }).formatRange(
    new Date(session.startsAt),
    new Date(session.endsAt),
  );
}
