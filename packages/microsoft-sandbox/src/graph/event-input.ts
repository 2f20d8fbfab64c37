import { randomBytes } from "node:crypto";
import { z } from "zod";
import { GraphError, badRequest, invalidRequest } from "./errors";
import type { Attendee, EventContent, EventLocation, ExtendedProperty } from "./event-model";
import { withoutAnnotations } from "./odata";
import { patternedRecurrenceSchema, type PatternedRecurrence } from "./recurrence";
import { DAY_MS, parseGraphDateTime, resolveTimeZone, utcToWallClock, wallClockToUtc } from "./time-zones";

/** Graph reads enum members whatever their case and answers them in its own. */
export const caseInsensitive = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.string().transform((value, ctx) => {
    const match = values.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
    if (match === undefined) {
      ctx.addIssue({ code: "custom", message: `must be one of ${values.join(", ")}` });
      return z.NEVER;
    }
    return match as T[number];
  });

const dateTimeTimeZoneSchema = z.object({ dateTime: z.string(), timeZone: z.string().optional() });
const emailAddressSchema = z.object({ name: z.string().optional(), address: z.string().optional() });
const recipientSchema = z.object({ emailAddress: emailAddressSchema });
const attendeeSchema = z.object({
  emailAddress: emailAddressSchema,
  type: caseInsensitive(["required", "optional", "resource"]).default("required"),
});
/** A complex value of Graph's: its members and no other (annotations aside), as Graph refuses unknown ones. */
const graphObject = <T extends z.ZodRawShape>(shape: T) => z.preprocess(withoutAnnotations, z.strictObject(shape));
const locationSchema = graphObject({
  displayName: z.string().default(""),
  locationType: caseInsensitive([
    "default",
    "conferenceRoom",
    "homeAddress",
    "businessAddress",
    "geoCoordinates",
    "streetAddress",
    "hotel",
    "restaurant",
    "localBusiness",
    "postalAddress",
  ]).optional(),
  locationEmailAddress: z.string().optional(),
  locationUri: z.string().optional(),
  uniqueId: z.string().optional(),
  uniqueIdType: caseInsensitive(["unknown", "locationStore", "directory", "private", "bing"]).optional(),
  address: graphObject({
    street: z.string().optional(),
    city: z.string().optional(),
    state: z.string().optional(),
    countryOrRegion: z.string().optional(),
    postalCode: z.string().optional(),
  }).optional(),
  coordinates: graphObject({
    accuracy: z.number().optional(),
    altitude: z.number().optional(),
    altitudeAccuracy: z.number().optional(),
    latitude: z.number().optional(),
    longitude: z.number().optional(),
  }).optional(),
});
const extendedPropertySchema = z.object({ id: z.string().min(1), value: z.string() });

const writableEventSchema = z.object({
  subject: z.string().nullable().optional(),
  body: z
    .object({
      contentType: caseInsensitive(["html", "text"]).default("text"),
      content: z.string().nullable().default(""),
    })
    .optional(),
  start: dateTimeTimeZoneSchema.optional(),
  end: dateTimeTimeZoneSchema.optional(),
  isAllDay: z.boolean().optional(),
  showAs: caseInsensitive(["free", "tentative", "busy", "oof", "workingElsewhere", "unknown"]).optional(),
  sensitivity: caseInsensitive(["normal", "personal", "private", "confidential"]).optional(),
  importance: caseInsensitive(["low", "normal", "high"]).optional(),
  categories: z.array(z.string()).optional(),
  isReminderOn: z.boolean().optional(),
  reminderMinutesBeforeStart: z.number().int().min(0).optional(),
  location: locationSchema.nullable().optional(),
  locations: z.array(locationSchema).optional(),
  attendees: z.array(attendeeSchema).max(500).optional(),
  isOnlineMeeting: z.boolean().optional(),
  onlineMeetingProvider: caseInsensitive([
    "unknown",
    "skypeForBusiness",
    "skypeForConsumer",
    "teamsForBusiness",
  ]).optional(),
  responseRequested: z.boolean().optional(),
  allowNewTimeProposals: z.boolean().optional(),
  hideAttendees: z.boolean().optional(),
  recurrence: patternedRecurrenceSchema.nullable().optional(),
  transactionId: z.string().min(1).max(255).optional(),
  singleValueExtendedProperties: z.array(extendedPropertySchema).optional(),
  originalStartTimeZone: z.string().optional(),
  originalEndTimeZone: z.string().optional(),
  organizer: recipientSchema.optional(),
});

/** Read-only members clients often echo back from a GET; Graph ignores them on writes. */
const IGNORED_MEMBERS = new Set([
  "id",
  "changeKey",
  "createdDateTime",
  "lastModifiedDateTime",
  "iCalUId",
  "type",
  "seriesMasterId",
  "webLink",
  "bodyPreview",
  "isOrganizer",
  "responseStatus",
  "hasAttachments",
  "originalStart",
  "onlineMeetingUrl",
  "onlineMeeting",
  "isDraft",
  "isCancelled",
  "calendar",
]);

export type EventInput = z.infer<typeof writableEventSchema>;

/** Validates a POST/PATCH body as Graph does: unknown members are rejected, known read-only ones ignored. */
export function parseEventInput(body: unknown): EventInput {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw badRequest("Empty Payload. JSON content expected.");
  const writable: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    if (name.startsWith("@odata.") || IGNORED_MEMBERS.has(name)) continue;
    if (!(name in writableEventSchema.shape)) {
      throw new GraphError(
        400,
        "RequestBodyRead",
        `The property '${name}' does not exist on type 'microsoft.graph.event'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
      );
    }
    writable[name] = value;
  }
  const parsed = writableEventSchema.safeParse(writable);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(`Invalid value for '${issue?.path.join(".") ?? "body"}': ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

export function parseRecurrence(value: unknown): PatternedRecurrence {
  const parsed = patternedRecurrenceSchema.safeParse(value);
  if (!parsed.success) throw badRequest(`Invalid recurrence: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

function timeZoneNotSupported(name: string): GraphError {
  return new GraphError(
    400,
    "TimeZoneNotSupportedException",
    `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${name}'.`,
  );
}

/** Graph's dateTimeTimeZone → UTC instant and the zone name to keep. */
function toInstant(
  value: { dateTime: string; timeZone?: string | undefined },
  member: string,
): { at: number; zone: string } {
  const zoneName = value.timeZone ?? "";
  const zone = resolveTimeZone(zoneName);
  if (!zone) throw timeZoneNotSupported(zoneName);
  const parsed = parseGraphDateTime(value.dateTime);
  if (!parsed)
    throw badRequest(
      `Cannot convert the literal '${value.dateTime}' of '${member}.dateTime' to the expected type 'Edm.DateTime'.`,
    );
  const at = parsed.offsetMs === undefined ? wallClockToUtc(parsed.wallMs, zone.iana) : parsed.wallMs - parsed.offsetMs;
  return { at, zone: zoneName };
}

function normalizeLocation(location: z.infer<typeof locationSchema>): EventLocation {
  return { locationType: "default", uniqueIdType: "unknown", ...location, displayName: location.displayName };
}

/** An attendee's `status` is their own response: a write sets none (an echoed one is ignored), and no attendee answers the sandbox. */
function normalizeAttendee(attendee: z.infer<typeof attendeeSchema>): Attendee {
  return {
    type: attendee.type,
    status: { response: "none", time: "0001-01-01T00:00:00Z" },
    emailAddress: attendee.emailAddress,
  };
}

function mergeExtendedProperties(current: ExtendedProperty[], incoming: ExtendedProperty[]): ExtendedProperty[] {
  const merged = new Map(current.map((property) => [property.id.toLowerCase(), property]));
  for (const property of incoming) merged.set(property.id.toLowerCase(), property);
  return [...merged.values()];
}

const emptyLocation = (): EventLocation => ({
  displayName: "",
  locationType: "default",
  uniqueIdType: "unknown",
  address: {},
  coordinates: {},
});

function newJoinUrl(): string {
  return `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${randomBytes(24).toString("base64url")}%40thread.v2/0`;
}

/** Default content of a new event, as Outlook fills it in. */
export function defaultContent(timeZone: string): EventContent {
  return {
    subject: "",
    body: { contentType: "html", content: "" },
    start: 0,
    end: 0,
    startTimeZone: timeZone,
    endTimeZone: timeZone,
    isAllDay: false,
    showAs: "busy",
    sensitivity: "normal",
    importance: "normal",
    categories: [],
    isReminderOn: true,
    reminderMinutesBeforeStart: 15,
    location: emptyLocation(),
    locations: [],
    attendees: [],
    isOnlineMeeting: false,
    onlineMeetingProvider: "unknown",
    onlineMeeting: null,
    responseRequested: true,
    allowNewTimeProposals: true,
    hideAttendees: false,
    isCancelled: false,
    singleValueExtendedProperties: [],
  };
}

/** Applies a parsed body to existing content (or to defaults on creation) and checks the result is a valid event. */
export function applyEventInput(base: EventContent, input: EventInput): EventContent {
  const next: EventContent = { ...base };
  if (input.subject !== undefined) next.subject = input.subject ?? "";
  if (input.body !== undefined) next.body = { contentType: input.body.contentType, content: input.body.content ?? "" };
  if (input.start !== undefined) {
    const { at, zone } = toInstant(input.start, "start");
    next.start = at;
    next.startTimeZone = zone;
  }
  if (input.end !== undefined) {
    const { at, zone } = toInstant(input.end, "end");
    next.end = at;
    next.endTimeZone = zone;
  }
  if (input.originalStartTimeZone !== undefined && resolveTimeZone(input.originalStartTimeZone))
    next.startTimeZone = input.originalStartTimeZone;
  if (input.originalEndTimeZone !== undefined && resolveTimeZone(input.originalEndTimeZone))
    next.endTimeZone = input.originalEndTimeZone;
  if (input.isAllDay !== undefined) next.isAllDay = input.isAllDay;
  if (input.showAs !== undefined) next.showAs = input.showAs;
  if (input.sensitivity !== undefined) next.sensitivity = input.sensitivity;
  if (input.importance !== undefined) next.importance = input.importance;
  if (input.categories !== undefined) next.categories = input.categories;
  if (input.isReminderOn !== undefined) next.isReminderOn = input.isReminderOn;
  if (input.reminderMinutesBeforeStart !== undefined)
    next.reminderMinutesBeforeStart = input.reminderMinutesBeforeStart;
  if (input.locations !== undefined) {
    next.locations = input.locations.map(normalizeLocation);
    if (input.location === undefined)
      next.location =
        next.locations.length > 0
          ? { ...emptyLocation(), displayName: next.locations.map((l) => l.displayName).join("; ") }
          : emptyLocation();
  }
  if (input.location !== undefined) {
    next.location = input.location ? normalizeLocation(input.location) : emptyLocation();
    if (input.locations === undefined) next.locations = next.location.displayName ? [next.location] : [];
  }
  if (input.attendees !== undefined) next.attendees = input.attendees.map(normalizeAttendee);
  if (input.isOnlineMeeting !== undefined) {
    next.isOnlineMeeting = input.isOnlineMeeting;
    next.onlineMeetingProvider = input.isOnlineMeeting
      ? (input.onlineMeetingProvider ?? "teamsForBusiness")
      : "unknown";
    next.onlineMeeting = input.isOnlineMeeting ? (base.onlineMeeting ?? { joinUrl: newJoinUrl() }) : null;
  }
  if (input.responseRequested !== undefined) next.responseRequested = input.responseRequested;
  if (input.allowNewTimeProposals !== undefined) next.allowNewTimeProposals = input.allowNewTimeProposals;
  if (input.hideAttendees !== undefined) next.hideAttendees = input.hideAttendees;
  if (input.singleValueExtendedProperties !== undefined) {
    next.singleValueExtendedProperties = mergeExtendedProperties(
      base.singleValueExtendedProperties,
      input.singleValueExtendedProperties,
    );
  }
  validateTimes(next);
  return next;
}

function isMidnight(at: number, zoneName: string): boolean {
  const zone = resolveTimeZone(zoneName);
  return utcToWallClock(at, zone?.iana ?? "UTC") % DAY_MS === 0;
}

function validateTimes(content: EventContent): void {
  if (content.end < content.start) throw invalidRequest("The end time of the event must be after its start time.");
  if (!content.isAllDay) return;
  if (!isMidnight(content.start, content.startTimeZone) || !isMidnight(content.end, content.endTimeZone)) {
    throw invalidRequest(
      "Your request can't be completed. If an event is all day, it has to start and end at midnight.",
    );
  }
  if (content.end - content.start < DAY_MS - 3_600_000)
    throw invalidRequest("The duration of an event marked as All day must be at least 24 hours.");
}
