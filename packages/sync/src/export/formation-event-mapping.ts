import { offsetMinutes, wallClockIn } from "@agenda/domain/time";
import { formationLink } from "@agenda/domain/links";
import type { DateTimeTimeZone, Event as GraphEvent } from "@microsoft/microsoft-graph-types";
import {
  customPropertiesExtendedPropertyId,
  customPropertiesValue,
  FORMATION_ID_CUSTOM_PROPERTY,
} from "@agenda/addin-manifest/custom-properties";
import { findWindows } from "windows-iana";
import { CANCELLED_SUBJECT_PREFIX } from "../reconcile/outlook-changes";
import { FORMATION_CATEGORY, FORMATION_ID_PROPERTY, FORMATION_SESSION_ID_PROPERTY } from "./outlook-event-tags";

/** What of a formation session its Outlook copy shows (the agenda row mirroring it). */
export interface ExportedFormation {
  /** The formation's id. */
  id: string;
  /** The session's; null only for copies made before formations had sessions. */
  sessionId: string | null;
  /** The formation's title, numbered "(2/3)" when it has several sessions. */
  title: string;
  description: string;
  location: string | null;
  onlineUrl: string | null;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  cancelled: boolean;
  cancellationReason: string | null;
}

export interface FormationEventContext {
  /** Origin (and optional base path) of the platform, for the link back to the formation. */
  platformUrl: string;
  /** Language of the mailbox owner, for the few words the body adds. */
  locale: "fr" | "en";
  /**
   * The Outlook add-in's manifest id: the copy then carries the add-in's formation custom property, which the
   * add-in reads on the appointment in Outlook to know which formation it is.
   */
  addinId?: string;
  /** Only on creates: Outlook answers a repeated create carrying it with the event it already made. */
  transactionId?: string;
}

/**
 * Reminders: a formation held somewhere needs time to get there, an online-only one only time to open the link.
 */
export const IN_PERSON_REMINDER_MINUTES = 60;
export const ONLINE_REMINDER_MINUTES = 15;

/**
 * The fields a formation update rewrites in Outlook. Categories and the reminder's delay are only set at creation:
 * people may change those on their copy, and the product does not take them back. Show-as and whether the reminder
 * rings follow the cancellation (free and silent while cancelled, busy and ringing once scheduled again).
 */
export const PRODUCT_OWNED_FIELDS = [
  "subject",
  "body",
  "start",
  "end",
  "location",
  "showAs",
  "isReminderOn",
] as const satisfies ReadonlyArray<keyof GraphEvent>;
type ProductOwnedField = (typeof PRODUCT_OWNED_FIELDS)[number];

const labels = {
  fr: {
    online: "Rejoindre en ligne :",
    platform: "Voir la formation sur la plateforme",
    cancelledBody: "Cette formation est annulée.",
    reason: "Motif :",
  },
  en: {
    online: "Join online:",
    platform: "Open the formation on the platform",
    cancelledBody: "This formation is cancelled.",
    reason: "Reason:",
  },
} satisfies Record<FormationEventContext["locale"], Record<string, string>>;

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

function link(href: string, text: string): string {
  return `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
}

function formationBody(formation: ExportedFormation, context: FormationEventContext): string {
  const words = labels[context.locale];
  const paragraphs: string[] = [];
  // People read the top of an event: a cancellation says so first, with its reason.
  if (formation.cancelled) {
    const reason = formation.cancellationReason?.trim();
    paragraphs.push(
      `<p><strong>${escapeHtml(words.cancelledBody)}</strong>${reason ? ` ${escapeHtml(words.reason)} ${escapeHtml(reason).replace(/\r?\n/g, "<br>")}` : ""}</p>`,
    );
  }
  if (formation.description.trim())
    paragraphs.push(`<p>${escapeHtml(formation.description).replace(/\r?\n/g, "<br>")}</p>`);
  if (formation.onlineUrl)
    paragraphs.push(`<p>${escapeHtml(words.online)} ${link(formation.onlineUrl, formation.onlineUrl)}</p>`);
  paragraphs.push(`<p>${link(formationLink(context.platformUrl, formation.id), words.platform)}</p>`);
  return `<html><body>${paragraphs.join("")}</body></html>`;
}

const AROUND_MS = 3 * 3_600_000;

/**
 * Whether the instant's wall clock happens twice in its zone (the hour repeated when summer time ends): a wall
 * clock and a zone name would not say which of the two is meant.
 */
export function isRepeatedWallClock(instant: Date, timeZone: string): boolean {
  const own = offsetMinutes(instant, timeZone);
  return [-AROUND_MS, AROUND_MS].some((shift) => {
    const other = offsetMinutes(new Date(instant.getTime() + shift), timeZone);
    if (other === own) return false;
    const twin = new Date(instant.getTime() + (own - other) * 60_000);
    return offsetMinutes(twin, timeZone) === other;
  });
}

/**
 * An instant as Graph's dateTimeTimeZone in the formation's own zone, named the Windows way (Graph's canonical
 * names, e.g. "Romance Standard Time"), so Outlook shows the formation in its zone and keeps it there across DST.
 * A zone with no Windows equivalent, or a wall clock that happens twice, goes as UTC: the instant stays right, only
 * the displayed zone is lost.
 */
export function graphDateTime(instant: Date, ianaTimeZone: string): DateTimeTimeZone {
  const windows = findWindows(ianaTimeZone)[0];
  if (!windows || isRepeatedWallClock(instant, ianaTimeZone))
    return { dateTime: instant.toISOString().slice(0, 19), timeZone: "UTC" };
  return { dateTime: wallClockIn(instant, ianaTimeZone), timeZone: windows };
}

/** The subject of a formation's copy: its (numbered) title, prefixed in the owner's language once cancelled. */
export function formationSubject(
  formation: Pick<ExportedFormation, "title" | "cancelled">,
  locale: FormationEventContext["locale"],
): string {
  return formation.cancelled ? `${CANCELLED_SUBJECT_PREFIX[locale]}${formation.title}` : formation.title;
}

/** The Outlook event a formation session becomes: what a create sends. */
export function formationToGraphEvent(formation: ExportedFormation, context: FormationEventContext): GraphEvent {
  const inPerson = Boolean(formation.location?.trim());
  return {
    subject: formationSubject(formation, context.locale),
    body: { contentType: "html", content: formationBody(formation, context) },
    start: graphDateTime(formation.startsAt, formation.timeZone),
    end: graphDateTime(formation.endsAt, formation.timeZone),
    // The online link is the platform's own (not a Teams meeting Outlook should create): shown as the place to be
    // when there is no room, and always clickable in the body.
    location: { displayName: (inPerson ? formation.location : formation.onlineUrl) ?? "" },
    isOnlineMeeting: false,
    categories: [FORMATION_CATEGORY],
    // A cancelled formation no longer takes the time, nor calls people to it.
    showAs: formation.cancelled ? "free" : "busy",
    isReminderOn: !formation.cancelled,
    reminderMinutesBeforeStart: inPerson ? IN_PERSON_REMINDER_MINUTES : ONLINE_REMINDER_MINUTES,
    singleValueExtendedProperties: [
      { id: FORMATION_ID_PROPERTY, value: formation.id },
      ...(formation.sessionId ? [{ id: FORMATION_SESSION_ID_PROPERTY, value: formation.sessionId }] : []),
      ...(context.addinId
        ? [
            {
              id: customPropertiesExtendedPropertyId(context.addinId),
              value: customPropertiesValue({ [FORMATION_ID_CUSTOM_PROPERTY]: formation.id }),
            },
          ]
        : []),
    ],
    ...(context.transactionId ? { transactionId: context.transactionId } : {}),
  };
}

/** What a formation update sends: only the fields the product owns. */
export function formationToGraphEventChanges(
  formation: ExportedFormation,
  context: Omit<FormationEventContext, "transactionId">,
): Pick<GraphEvent, ProductOwnedField> {
  const event = formationToGraphEvent(formation, context);
  return Object.fromEntries(PRODUCT_OWNED_FIELDS.map((field) => [field, event[field]]));
}
