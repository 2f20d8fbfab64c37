import { wallClockIn } from "@agenda/domain/time";
import type { Sandbox } from "@agenda/microsoft-sandbox";

/** The second calendar of each demo mailbox: Outlook users keep one beside their default calendar. */
export const DEMO_PERSONAL_CALENDAR = "Personnel";

type Person = { name: string; address: string };

const SOPHIE: Person = { name: "Sophie Laurent", address: "sophie.laurent@formation.demo" };
const KARIM: Person = { name: "Karim Haddad", address: "karim.haddad@formation.demo" };
const JULIE: Person = { name: "Julie Moreau", address: "julie.moreau@formation.demo" };
const CLIENT: Person = { name: "Nadia Benali", address: "nadia.benali@hexaplan.example" };

const DAY_MS = 86_400_000;
const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The Monday of the week `now` falls in, in `timeZone`; on a weekend the next one, so the demo opens on a working week. */
export function demoWeekMonday(now: Date, timeZone: string): string {
  const today = wallClockIn(now, timeZone).slice(0, 10);
  const weekday = new Date(`${today}T00:00:00Z`).getUTCDay();
  return addDays(today, weekday === 0 ? 1 : weekday === 6 ? 2 : 1 - weekday);
}

/**
 * A working week in Outlook as a training company's staff live it, from `monday` in `timeZone`, as Graph event bodies
 * per calendar: meetings with colleagues, a weekly team meeting, a client's online review, a trade show all day long,
 * and a personal appointment kept in a calendar of its own.
 */
function demoWeek(monday: string, timeZone: string): { defaultCalendar: object[]; personalCalendar: object[] } {
  const day = (weekday: number) => addDays(monday, weekday);
  const at = (weekday: number, time: string) => ({ dateTime: `${day(weekday)}T${time}:00`, timeZone });
  const attendees = (...people: Person[]) => people.map((emailAddress) => ({ emailAddress, type: "required" }));
  return {
    defaultCalendar: [
      {
        subject: "Point d'équipe hebdomadaire",
        start: at(0, "09:30"),
        end: at(0, "10:00"),
        location: { displayName: "Salle Curie" },
        attendees: attendees(SOPHIE, KARIM, JULIE),
        recurrence: {
          pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"] },
          range: { type: "noEnd", startDate: day(0) },
        },
      },
      {
        subject: "Bilan de formation avec Hexaplan",
        body: {
          contentType: "text",
          content: "Retours des stagiaires sur « Management d'équipe à distance » et suite du plan de formation.",
        },
        start: at(1, "11:00"),
        end: at(1, "12:00"),
        isOnlineMeeting: true,
        onlineMeetingProvider: "teamsForBusiness",
        attendees: attendees(CLIENT, SOPHIE),
      },
      {
        subject: "Salon Learning Technologies France",
        isAllDay: true,
        start: at(2, "00:00"),
        end: at(3, "00:00"),
        location: { displayName: "Paris Expo Porte de Versailles" },
        showAs: "workingElsewhere",
      },
      {
        subject: "Revue du catalogue de formations",
        start: at(3, "10:00"),
        end: at(3, "11:30"),
        location: { displayName: "Salle Lovelace" },
        attendees: attendees(SOPHIE, KARIM, JULIE),
      },
      {
        subject: "Déjeuner d'équipe",
        start: at(4, "12:30"),
        end: at(4, "14:00"),
        location: { displayName: "Brasserie du Square" },
        attendees: attendees(KARIM, JULIE),
      },
    ],
    personalCalendar: [{ subject: "Rendez-vous chez le dentiste", start: at(3, "18:00"), end: at(3, "19:00") }],
  };
}

/**
 * Fills each mailbox with the demo week around `now`, through the sandbox's admin API (what a person does in
 * Outlook), in-process: the demo's Outlook has something to import from the first connection.
 */
export async function seedDemoOutlookWeeks(
  sandbox: Sandbox,
  mailboxes: Array<{ userPrincipalName: string; timeZone: string }>,
  now = new Date(),
): Promise<void> {
  const post = async (path: string, body: object): Promise<unknown> => {
    const response = await sandbox.graph.admin.request(`/api/mailboxes/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok)
      throw new Error(
        `the Microsoft sandbox refused the demo week (${path}): ${response.status} ${await response.text()}`,
      );
    return response.json();
  };
  for (const { userPrincipalName, timeZone } of mailboxes) {
    const mailbox = encodeURIComponent(userPrincipalName);
    const week = demoWeek(demoWeekMonday(now, timeZone), timeZone);
    const personal = (await post(`${mailbox}/calendars`, { name: DEMO_PERSONAL_CALENDAR })) as { id: string };
    await post(`${mailbox}/events`, { events: week.defaultCalendar });
    await post(`${mailbox}/events`, { calendarId: personal.id, events: week.personalCalendar });
  }
}
