import type { PatternedRecurrence } from "./recurrence";

export interface EmailAddress {
  name?: string;
  address?: string;
}

export interface Recipient {
  emailAddress: EmailAddress;
}

export interface Attendee extends Recipient {
  type: "required" | "optional" | "resource";
  status: { response: string; time: string };
}

/** Graph's location: `displayName` plus optional members kept as sent. */
export type EventLocation = { displayName: string } & Record<string, unknown>;

export interface ExtendedProperty {
  id: string;
  value: string;
}

export type ShowAs = "free" | "tentative" | "busy" | "oof" | "workingElsewhere" | "unknown";
export type Sensitivity = "normal" | "personal" | "private" | "confidential";
export type Importance = "low" | "normal" | "high";

/** What a user or a client can set on an event (or on one occurrence of a series). */
export interface EventContent {
  subject: string;
  body: { contentType: "html" | "text"; content: string };
  /** UTC ms. For all-day events: midnight of the first day in `startTimeZone`. */
  start: number;
  end: number;
  /** Time zone names as the client gave them (Windows or IANA); reported back as Windows names. */
  startTimeZone: string;
  endTimeZone: string;
  isAllDay: boolean;
  showAs: ShowAs;
  sensitivity: Sensitivity;
  importance: Importance;
  categories: string[];
  isReminderOn: boolean;
  reminderMinutesBeforeStart: number;
  location: EventLocation;
  locations: EventLocation[];
  attendees: Attendee[];
  isOnlineMeeting: boolean;
  onlineMeetingProvider: string;
  onlineMeeting: { joinUrl: string } | null;
  responseRequested: boolean;
  allowNewTimeProposals: boolean;
  hideAttendees: boolean;
  isCancelled: boolean;
  singleValueExtendedProperties: ExtendedProperty[];
}

/** An exception of a series: its own content and change tracking, keyed by the occurrence's original start. */
export interface ExceptionState extends EventContent {
  changeKey: string;
  createdAt: number;
  modifiedAt: number;
}

/**
 * One version of a single event or a series master. Versions are never mutated (except the `previous`
 * link, cut when the change log forgets old history): each edit commits a new one, so delta can compare
 * what a client last saw with what is there now.
 */
export interface StoredItem extends EventContent {
  /** Internal identity that never changes, even across moves. */
  key: string;
  mailboxId: string;
  calendarId: string;
  /** Position in its calendar for paging the first delta round; a move gives a new one. */
  ordinal: number;
  immutableId: string;
  /** Regular (non-immutable) id: changes when the event moves to another calendar. */
  regularId: string;
  iCalUId: string;
  changeKey: string;
  createdAt: number;
  modifiedAt: number;
  seq: number;
  previous: StoredItem | undefined;
  deleted: boolean;
  transactionId: string | undefined;
  recurrence: PatternedRecurrence | null;
  /** Bumped when a series is shifted or its rule changes, giving every occurrence a new id. */
  seriesGeneration: number;
  exceptions: ReadonlyMap<number, ExceptionState>;
  /** Original starts of deleted occurrences. */
  cancelled: ReadonlySet<number>;
}

export type EventType = "singleInstance" | "occurrence" | "exception" | "seriesMaster";

/** An event as a client sees it: a single event, a series master, or one instance of a series. */
export interface EventInstance {
  item: StoredItem;
  type: EventType;
  /** Original start (UTC ms) of an occurrence or exception. */
  originalStart: number | undefined;
  content: EventContent;
  changeKey: string;
  createdAt: number;
  modifiedAt: number;
}

export const EVENT_CONTENT_KEYS = [
  "subject",
  "body",
  "start",
  "end",
  "startTimeZone",
  "endTimeZone",
  "isAllDay",
  "showAs",
  "sensitivity",
  "importance",
  "categories",
  "isReminderOn",
  "reminderMinutesBeforeStart",
  "location",
  "locations",
  "attendees",
  "isOnlineMeeting",
  "onlineMeetingProvider",
  "onlineMeeting",
  "responseRequested",
  "allowNewTimeProposals",
  "hideAttendees",
  "isCancelled",
  "singleValueExtendedProperties",
] as const satisfies readonly (keyof EventContent)[];

export function pickContent(source: EventContent): EventContent {
  const content = {} as Record<keyof EventContent, unknown>;
  for (const key of EVENT_CONTENT_KEYS) content[key] = source[key];
  return content as EventContent;
}
