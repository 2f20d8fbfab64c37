import { invalidRequest } from "./errors";
import { applyEventInput, defaultContent, type EventInput } from "./event-input";
import { EVENT_CONTENT_KEYS, pickContent, type EventContent, type EventInstance, type StoredItem } from "./event-model";
import { itemInstance, occurrenceInstance } from "./instances";
import type { EventPatch, MailboxStore, ResolvedEvent } from "./mailbox-store";
import type { PatternedRecurrence } from "./recurrence";

/** Edits shared by the Graph routes and the admin API (an Outlook user's edits go through the same rules). */

export function instanceOf(resolved: ResolvedEvent): EventInstance {
  return resolved.originalStart === undefined
    ? itemInstance(resolved.item)
    : occurrenceInstance(resolved.item, resolved.originalStart);
}

export function createEvent(mailbox: MailboxStore, calendarId: string, input: EventInput): StoredItem {
  if (!input.start || !input.end) throw invalidRequest("An event needs both a start and an end.");
  const content = applyEventInput(defaultContent("UTC"), input);
  return mailbox.create(calendarId, content, input.recurrence ?? null, input.transactionId);
}

const sameValue = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

/** Only what an edit really changes, so resending unchanged times does not re-issue a series' occurrences. */
function changedFields(
  current: StoredItem,
  next: EventContent,
  recurrence: PatternedRecurrence | null | undefined,
): EventPatch {
  const patch: Record<string, unknown> = {};
  for (const key of EVENT_CONTENT_KEYS) if (!sameValue(current[key], next[key])) patch[key] = next[key];
  if (recurrence !== undefined) {
    const currentZone = current.recurrence?.range.recurrenceTimeZone;
    const comparable =
      recurrence && !recurrence.range.recurrenceTimeZone && currentZone
        ? { ...recurrence, range: { ...recurrence.range, recurrenceTimeZone: currentZone } }
        : recurrence;
    if (!sameValue(comparable, current.recurrence)) patch.recurrence = recurrence;
  }
  return patch as EventPatch;
}

/** PATCH semantics: an occurrence becomes an exception; a single event or series is updated in place. */
export function editEvent(mailbox: MailboxStore, resolved: ResolvedEvent, input: EventInput): EventInstance {
  const { item, originalStart } = resolved;
  if (input.transactionId !== undefined && input.transactionId !== item.transactionId)
    throw invalidRequest("The transactionId of an event cannot be changed once set.");
  if (originalStart !== undefined) {
    if (input.recurrence !== undefined)
      throw invalidRequest("The recurrence of an occurrence cannot be set; update the series master instead.");
    const current = occurrenceInstance(item, originalStart).content;
    const updated = mailbox.updateOccurrence(item.key, originalStart, applyEventInput(pickContent(current), input));
    return occurrenceInstance(updated, originalStart);
  }
  const next = applyEventInput(pickContent(item), input);
  return itemInstance(mailbox.update(item.key, changedFields(item, next, input.recurrence)));
}

/** DELETE semantics: an occurrence is cancelled, anything else removed. */
export function removeEvent(mailbox: MailboxStore, resolved: ResolvedEvent): void {
  if (resolved.originalStart === undefined) mailbox.delete(resolved.item.key);
  else mailbox.cancelOccurrence(resolved.item.key, resolved.originalStart);
}
