import ICAL from "ical.js";

/** An event as a calendar app reads it: the instants it covers, or the dates when it lasts whole days. */
export interface ReadEvent {
  uid: string;
  sequence: number;
  status: string | null;
  summary: string;
  description: string | null;
  location: string | null;
  url: string | null;
  /** For timed events, the instants; for all-day events, the dates (the end exclusive). */
  start: string;
  end: string;
  allDay: boolean;
  /** The TZID of DTSTART, when the time is given in a zone. */
  tzid: string | null;
}

/**
 * Reads iCalendar text with Mozilla's ical.js, a parser independent of ours: times in a zone are turned into instants
 * through the VTIMEZONE definitions the calendar itself holds (and nothing else), so a wrong definition shows.
 */
export function readCalendar(text: string): {
  method: string | null;
  name: string | null;
  events: ReadEvent[];
  timezones: string[];
} {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const timezones = calendar.getAllSubcomponents("vtimezone").map((component) => new ICAL.Timezone(component));
  const zones = new Map(timezones.map((zone) => [zone.tzid, zone]));
  const events = calendar.getAllSubcomponents("vevent").map((component): ReadEvent => {
    const event = new ICAL.Event(component);
    const tzid = component.getFirstProperty("dtstart")?.getParameter("tzid");
    const zoned = (time: ICAL.Time) => {
      if (time.isDate) return time.toString();
      if (typeof tzid === "string") {
        const zone = zones.get(tzid);
        if (!zone) throw new Error(`no VTIMEZONE for ${tzid}`);
        time.zone = zone;
      }
      return time.toJSDate().toISOString();
    };
    const text = (name: string) => {
      const value = component.getFirstPropertyValue(name);
      return value === null || value === undefined ? null : String(value);
    };
    return {
      uid: event.uid,
      sequence: event.sequence,
      status: text("status"),
      summary: event.summary,
      description: text("description"),
      location: text("location"),
      url: text("url"),
      start: zoned(event.startDate),
      end: zoned(event.endDate),
      allDay: event.startDate.isDate,
      tzid: typeof tzid === "string" ? tzid : null,
    };
  });
  const property = (name: string) => {
    const value = calendar.getFirstPropertyValue(name);
    return value === null || value === undefined ? null : String(value);
  };
  return { method: property("method"), name: property("name"), events, timezones: timezones.map(({ tzid }) => tzid) };
}
