import type { DirectoryUser } from "../directory";
import type { EventContent, EventInstance, StoredItem } from "./event-model";
import { escapeHtml } from "./html";
import { occurrenceICalUId, occurrenceId } from "./ids";
import { seriesZone } from "./instances";
import {
  DAY_MS,
  formatGraphDateTime,
  formatUtcTimestamp,
  resolveTimeZone,
  utcToWallClock,
  type ResolvedTimeZone,
} from "./time-zones";

export interface RenderOptions {
  immutableIds: boolean;
  /** Zone of start/end in the response (Prefer: outlook.timezone), UTC by default. */
  timeZone: ResolvedTimeZone;
  /** Body format asked with Prefer: outlook.body-content-type; Graph's default is HTML. */
  bodyContentType: "html" | "text";
  select: ReadonlySet<string> | undefined;
  /** Which extended properties to include ($expand); none unless asked. */
  extendedProperties: ((id: string) => boolean) | undefined;
  owner: DirectoryUser;
  webLinkBase: string;
}

export const EVENT_PROPERTIES: ReadonlySet<string> = new Set([
  "id",
  "createdDateTime",
  "lastModifiedDateTime",
  "changeKey",
  "categories",
  "transactionId",
  "originalStartTimeZone",
  "originalEndTimeZone",
  "iCalUId",
  "cancelledOccurrences",
  "reminderMinutesBeforeStart",
  "isReminderOn",
  "hasAttachments",
  "subject",
  "bodyPreview",
  "importance",
  "sensitivity",
  "isAllDay",
  "isCancelled",
  "isOrganizer",
  "responseRequested",
  "seriesMasterId",
  "showAs",
  "type",
  "webLink",
  "onlineMeetingUrl",
  "isOnlineMeeting",
  "onlineMeetingProvider",
  "allowNewTimeProposals",
  "isDraft",
  "hideAttendees",
  "responseStatus",
  "body",
  "start",
  "end",
  "originalStart",
  "location",
  "locations",
  "recurrence",
  "attendees",
  "organizer",
  "onlineMeeting",
]);

/** Graph: createdDateTime and lastModifiedDateTime "do not support $select"; selecting them returns nothing more. */
const NOT_SELECTABLE = new Set(["createdDateTime", "lastModifiedDateTime"]);

export const itemIdOf = (item: StoredItem, immutable: boolean): string =>
  immutable ? item.immutableId : item.regularId;

export function instanceId(instance: EventInstance, immutable: boolean): string {
  const masterId = itemIdOf(instance.item, immutable);
  return instance.originalStart === undefined
    ? masterId
    : occurrenceId(masterId, instance.item.seriesGeneration, instance.originalStart);
}

/**
 * A series master's `cancelledOccurrences`: the occurrenceId Outlook gives each deleted occurrence,
 * `OID.{seriesMasterId}.{the occurrence's date}` as Graph's samples show it, the date in the series' own zone.
 */
export function cancelledOccurrences(master: StoredItem, immutable: boolean): string[] {
  const masterId = itemIdOf(master, immutable);
  const zone = seriesZone(master.recurrence, master.startTimeZone);
  return [...master.cancelled]
    .sort((a, b) => a - b)
    .map(
      (originalStart) => `OID.${masterId}.${new Date(utcToWallClock(originalStart, zone)).toISOString().slice(0, 10)}`,
    );
}

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
  "&nbsp;": " ",
};

export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, "")
    .replace(/<br\s*\/?>|<\/p>|<\/div>/gi, "\r\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (entity) => ENTITIES[entity] ?? entity)
    .trim();
}

export function textToHtml(text: string): string {
  const body = escapeHtml(text).replace(/\r?\n/g, "<br>\r\n");
  return `<html>\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n</head>\r\n<body>\r\n${body}\r\n</body>\r\n</html>\r\n`;
}

function renderBody(body: EventContent["body"], wanted: "html" | "text"): EventContent["body"] {
  if (body.contentType === wanted) return body;
  return { contentType: wanted, content: wanted === "text" ? htmlToText(body.content) : textToHtml(body.content) };
}

function bodyPreview(body: EventContent["body"]): string {
  const text = body.contentType === "html" ? htmlToText(body.content) : body.content;
  return text.replace(/\s+/g, " ").trim().slice(0, 255);
}

/** All-day events float: the same dates at midnight whatever zone the response is in. */
function renderDateTime(
  at: number,
  isAllDay: boolean,
  eventZone: string,
  responseZone: ResolvedTimeZone,
): { dateTime: string; timeZone: string } {
  if (isAllDay) {
    const zone = resolveTimeZone(eventZone)?.iana ?? "UTC";
    const day = Math.floor(utcToWallClock(at, zone) / DAY_MS);
    return { dateTime: formatGraphDateTime(day * DAY_MS), timeZone: responseZone.name };
  }
  return { dateTime: formatGraphDateTime(utcToWallClock(at, responseZone.iana)), timeZone: responseZone.name };
}

const windowsName = (zone: string): string => resolveTimeZone(zone)?.windows ?? "tzone://Microsoft/Custom";

/** An event as Graph v1.0 returns it, fields in Graph's order. */
export function renderEvent(instance: EventInstance, options: RenderOptions): Record<string, unknown> {
  const { item, content } = instance;
  const id = instanceId(instance, options.immutableIds);
  const isSeriesInstance = instance.originalStart !== undefined;
  const organizer = {
    emailAddress: { name: options.owner.displayName, address: options.owner.mail ?? options.owner.userPrincipalName },
  };
  const full: Record<string, unknown> = {
    "@odata.etag": `W/"${instance.changeKey}"`,
    id,
    createdDateTime: formatUtcTimestamp(instance.createdAt),
    lastModifiedDateTime: formatUtcTimestamp(instance.modifiedAt),
    changeKey: instance.changeKey,
    categories: content.categories,
    ...(item.transactionId !== undefined && !isSeriesInstance ? { transactionId: item.transactionId } : {}),
    originalStartTimeZone: windowsName(content.startTimeZone),
    originalEndTimeZone: windowsName(content.endTimeZone),
    iCalUId: isSeriesInstance ? occurrenceICalUId(item.iCalUId, instance.originalStart as number) : item.iCalUId,
    reminderMinutesBeforeStart: content.reminderMinutesBeforeStart,
    isReminderOn: content.isReminderOn,
    hasAttachments: false,
    subject: content.subject,
    bodyPreview: bodyPreview(content.body),
    importance: content.importance,
    sensitivity: content.sensitivity,
    isAllDay: content.isAllDay,
    isCancelled: content.isCancelled,
    isOrganizer: true,
    responseRequested: content.responseRequested,
    seriesMasterId: isSeriesInstance ? itemIdOf(item, options.immutableIds) : null,
    showAs: content.showAs,
    type: instance.type,
    webLink: `${options.webLinkBase}?itemid=${encodeURIComponent(id)}`,
    onlineMeetingUrl: null,
    isOnlineMeeting: content.isOnlineMeeting,
    onlineMeetingProvider: content.onlineMeetingProvider,
    allowNewTimeProposals: content.allowNewTimeProposals,
    isDraft: false,
    hideAttendees: content.hideAttendees,
    responseStatus: { response: "organizer", time: "0001-01-01T00:00:00Z" },
    body: renderBody(content.body, options.bodyContentType),
    start: renderDateTime(content.start, content.isAllDay, content.startTimeZone, options.timeZone),
    end: renderDateTime(content.end, content.isAllDay, content.endTimeZone, options.timeZone),
    ...(isSeriesInstance
      ? { originalStart: formatUtcTimestamp(instance.originalStart as number).replace(/\.\d+Z$/, "Z") }
      : {}),
    location: content.location,
    locations: content.locations,
    recurrence: instance.type === "seriesMaster" ? item.recurrence : null,
    attendees: content.attendees,
    organizer,
    onlineMeeting: content.onlineMeeting,
  };
  if (options.extendedProperties) {
    const include = options.extendedProperties;
    full.singleValueExtendedProperties = content.singleValueExtendedProperties.filter((property) =>
      include(property.id),
    );
  }
  if (!options.select) return full;
  const selected: Record<string, unknown> = { "@odata.etag": full["@odata.etag"], id };
  for (const name of options.select) if (!NOT_SELECTABLE.has(name) && name in full) selected[name] = full[name];
  if (full.singleValueExtendedProperties !== undefined)
    selected.singleValueExtendedProperties = full.singleValueExtendedProperties;
  return selected;
}
