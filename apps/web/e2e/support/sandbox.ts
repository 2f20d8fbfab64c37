import { sandboxAdmin } from "@agenda/testing/sandbox";
import { inject } from "vitest";

/** The sandbox's admin API: what the mailbox's owner does in Outlook, and what Outlook holds. */
const sandbox = () => ({ url: inject("sandboxUrl") });

export interface SeededOutlookEvent {
  id: string;
}

export interface OutlookEventView {
  id: string;
  subject: string;
  /** In UTC, as Graph answers without a Prefer header. */
  start: { dateTime: string; timeZone: string };
  webLink?: string;
}

/** A one-off Outlook event, in UTC, as Graph's event body has it. */
export function outlookEventBody(subject: string, start: Date, minutes: number, location?: string) {
  const utc = (date: Date) => ({ dateTime: date.toISOString().slice(0, 19), timeZone: "UTC" });
  return {
    subject,
    start: utc(start),
    end: utc(new Date(start.getTime() + minutes * 60_000)),
    ...(location ? { location: { displayName: location } } : {}),
  };
}

/** Events put in the mailbox, in its default calendar or in `calendarId`. */
export async function seedOutlookEvents(
  mailbox: string,
  events: unknown[],
  calendarId?: string,
): Promise<SeededOutlookEvent[]> {
  return (
    (await sandboxAdmin(sandbox(), "POST", `/mailboxes/${mailbox}/events`, { events, calendarId })) as {
      value: SeededOutlookEvent[];
    }
  ).value;
}

export async function editOutlookEvent(mailbox: string, id: string, change: unknown): Promise<void> {
  await sandboxAdmin(sandbox(), "PATCH", `/mailboxes/${mailbox}/events/${id}`, change);
}

export async function deleteOutlookEvent(mailbox: string, id: string): Promise<void> {
  await sandboxAdmin(sandbox(), "DELETE", `/mailboxes/${mailbox}/events/${id}`);
}

/** Every event of the mailbox, whatever its calendar. */
export async function outlookEvents(mailbox: string): Promise<OutlookEventView[]> {
  return ((await sandboxAdmin(sandbox(), "GET", `/mailboxes/${mailbox}/events`)) as { value: OutlookEventView[] })
    .value;
}

/** A new calendar in the mailbox, as its owner adds one in Outlook: its id. */
export async function addOutlookCalendar(mailbox: string, name: string): Promise<string> {
  return ((await sandboxAdmin(sandbox(), "POST", `/mailboxes/${mailbox}/calendars`, { name })) as { id: string }).id;
}
