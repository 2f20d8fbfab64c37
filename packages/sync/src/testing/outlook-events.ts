const HOUR_MS = 3_600_000;

/** A one-hour Outlook event body starting `hoursFromNow` hours from now (whole minutes), in UTC, as Graph takes it. */
export function timedOutlookEvent(subject: string, hoursFromNow: number): Record<string, unknown> {
  const start = Math.floor((Date.now() + hoursFromNow * HOUR_MS) / 60_000) * 60_000;
  const at = (ms: number) => ({ dateTime: new Date(ms).toISOString().slice(0, 19), timeZone: "UTC" });
  return { subject, start: at(start), end: at(start + HOUR_MS) };
}
