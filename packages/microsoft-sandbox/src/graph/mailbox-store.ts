import { randomUUID } from "node:crypto";
import type { DirectoryUser } from "../directory";
import { GraphError, itemNotFound } from "./errors";
import type { EventContent, ExceptionState, StoredItem } from "./event-model";
import { pickContent } from "./event-model";
import { newCalendarId, newChangeKey, newICalUId, newImmutableId, newRegularId, parseEventId } from "./ids";
import { isOccurrenceStart, seriesZone } from "./instances";
import type { PatternedRecurrence } from "./recurrence";
import { dateToDay, dayToDate } from "./recurrence";
import { DAY_MS, resolveTimeZone, utcToWallClock } from "./time-zones";

export interface CalendarRecord {
  id: string;
  name: string;
  color: string;
  hexColor: string;
  isDefaultCalendar: boolean;
  changeKey: string;
}

export type ChangeType = "created" | "updated" | "deleted";

/** A committed change, as subscriptions see it. */
export interface ItemChange {
  mailboxId: string;
  changeType: ChangeType;
  /** The new version, or the last one for a deletion. */
  item: StoredItem;
  /** Set when one occurrence of a series changed (became an exception or was deleted). */
  originalStart: number | undefined;
}

export interface LogEntry {
  seq: number;
  key: string;
}

/** What an id designates: a single event or series master, or one instance of a series. */
export interface ResolvedEvent {
  item: StoredItem;
  originalStart: number | undefined;
}

export interface MailboxLimits {
  changeLogRetention: number;
  transactionIdRetentionMs: number | null;
}

export type EventPatch = Partial<EventContent> & { recurrence?: PatternedRecurrence | null };

/** Calendar members ordered by ordinal, for paging a calendar from a position without rescanning it. */
class OrdinalIndex {
  ordinals: number[] = [];
  keys: string[] = [];
  dead = 0;

  add(ordinal: number, key: string): void {
    this.ordinals.push(ordinal);
    this.keys.push(key);
  }

  /** Index of the first entry with an ordinal above `ordinal`. */
  after(ordinal: number): number {
    let low = 0;
    let high = this.ordinals.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.ordinals[mid] as number) <= ordinal) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

interface MailboxSnapshot {
  calendars: CalendarRecord[];
  items: (Omit<StoredItem, "previous" | "exceptions" | "cancelled"> & {
    exceptions: [number, ExceptionState][];
    cancelled: number[];
  })[];
  seq: number;
  nextOrdinal: number;
  transactionIds: [string, { key: string; at: number }][];
}

/**
 * The calendars and events of one mailbox, with the per-mailbox change log delta reads: every commit gets
 * the next sequence number and one log entry, so a delta round reads only what changed since its token.
 */
export class MailboxStore {
  readonly calendars = new Map<string, CalendarRecord>();
  readonly #items = new Map<string, StoredItem>();
  readonly #tombstones = new Map<string, StoredItem>();
  readonly #keyById = new Map<string, string>();
  readonly #transactions = new Map<string, { key: string; at: number }>();
  readonly #calendarIndex = new Map<string, OrdinalIndex>();
  #log: LogEntry[] = [];
  seq = 0;
  #nextOrdinal = 0;
  /** Changes up to this sequence number are forgotten: older delta tokens must restart. */
  forgottenThrough = 0;
  /** Bumped to invalidate every outstanding delta token of the mailbox (fault injection, restore). */
  syncGeneration = 1;

  constructor(
    readonly owner: DirectoryUser,
    private readonly limits: () => MailboxLimits,
    private readonly onChange: (change: ItemChange) => void,
  ) {
    this.#addCalendar("Calendar", "auto", true);
  }

  get defaultCalendar(): CalendarRecord {
    for (const calendar of this.calendars.values()) if (calendar.isDefaultCalendar) return calendar;
    throw new Error("a mailbox always has a default calendar");
  }

  #addCalendar(name: string, color: string, isDefaultCalendar: boolean): CalendarRecord {
    const calendar: CalendarRecord = {
      id: newCalendarId(),
      name,
      color,
      hexColor: "",
      isDefaultCalendar,
      changeKey: newChangeKey(),
    };
    this.calendars.set(calendar.id, calendar);
    this.#calendarIndex.set(calendar.id, new OrdinalIndex());
    return calendar;
  }

  calendar(id: string): CalendarRecord {
    const calendar = this.calendars.get(id);
    if (!calendar) throw itemNotFound();
    return calendar;
  }

  createCalendar(name: string, color = "auto"): CalendarRecord {
    for (const calendar of this.calendars.values()) {
      if (calendar.name.toLowerCase() === name.toLowerCase())
        throw new GraphError(409, "ErrorFolderExists", "A folder with the specified name already exists.");
    }
    return this.#addCalendar(name, color, false);
  }

  updateCalendar(id: string, change: { name?: string | undefined; color?: string | undefined }): CalendarRecord {
    const calendar = this.calendar(id);
    if (change.name !== undefined) calendar.name = change.name;
    if (change.color !== undefined) calendar.color = change.color;
    calendar.changeKey = newChangeKey();
    return calendar;
  }

  deleteCalendar(id: string): void {
    const calendar = this.calendar(id);
    if (calendar.isDefaultCalendar)
      throw new GraphError(400, "ErrorCannotDeleteObject", "The default calendar cannot be deleted.");
    for (const item of this.itemsOf(id)) this.delete(item.key);
    this.calendars.delete(id);
    this.#calendarIndex.delete(id);
  }

  /** Single events and series masters of a calendar, in ordinal order. */
  *itemsOf(calendarId: string, afterOrdinal = -1): Generator<StoredItem> {
    const index = this.#calendarIndex.get(calendarId);
    if (!index) return;
    for (let i = index.after(afterOrdinal); i < index.keys.length; i++) {
      const item = this.#items.get(index.keys[i] as string);
      if (item && item.calendarId === calendarId && item.ordinal === index.ordinals[i]) yield item;
    }
  }

  get itemCount(): number {
    return this.#items.size;
  }

  resolve(id: string): ResolvedEvent | undefined {
    const parsed = parseEventId(id);
    if (!parsed) return undefined;
    const key = this.#keyById.get(parsed.itemId);
    const item = key === undefined ? undefined : this.#items.get(key);
    if (!item) return undefined;
    if (!parsed.occurrence) return { item, originalStart: undefined };
    const { generation, originalStart } = parsed.occurrence;
    if (!item.recurrence || generation !== item.seriesGeneration || item.cancelled.has(originalStart)) return undefined;
    if (!item.exceptions.has(originalStart) && !isOccurrenceStart(item, originalStart)) return undefined;
    return { item, originalStart };
  }

  /** Finds the event a transactionId created, if still remembered. */
  byTransactionId(transactionId: string): StoredItem | undefined {
    const entry = this.#transactions.get(transactionId);
    if (!entry) return undefined;
    const retention = this.limits().transactionIdRetentionMs;
    if (retention !== null && Date.now() - entry.at > retention) {
      this.#transactions.delete(transactionId);
      return undefined;
    }
    return this.#items.get(entry.key);
  }

  create(
    calendarId: string,
    content: EventContent,
    recurrence: PatternedRecurrence | null,
    transactionId: string | undefined,
  ): StoredItem {
    this.calendar(calendarId);
    const now = Date.now();
    const item: StoredItem = {
      ...pickContent(content),
      key: randomUUID(),
      mailboxId: this.owner.id,
      calendarId,
      ordinal: this.#nextOrdinal++,
      immutableId: newImmutableId(),
      regularId: newRegularId(),
      iCalUId: newICalUId(now),
      changeKey: newChangeKey(),
      createdAt: now,
      modifiedAt: now,
      seq: 0,
      previous: undefined,
      deleted: false,
      transactionId,
      recurrence: recurrence ? withRecurrenceTimeZone(recurrence, content) : null,
      seriesGeneration: 1,
      exceptions: new Map(),
      cancelled: new Set(),
    };
    this.#keyById.set(item.immutableId, item.key);
    this.#keyById.set(item.regularId, item.key);
    this.#calendarIndex.get(calendarId)?.add(item.ordinal, item.key);
    if (transactionId !== undefined) this.#transactions.set(transactionId, { key: item.key, at: now });
    this.#commit(item, "created", undefined);
    return item;
  }

  #current(key: string): StoredItem {
    const item = this.#items.get(key);
    if (!item) throw itemNotFound();
    return item;
  }

  /**
   * Edits a single event or a whole series. Changing a series' times or rule re-issues its occurrences
   * (new ids) and drops its exceptions and cancellations, as Outlook does.
   */
  update(key: string, patch: EventPatch): StoredItem {
    const current = this.#current(key);
    const next = { ...current, ...patch, changeKey: newChangeKey(), modifiedAt: Date.now() } as StoredItem;
    const reshaped =
      current.recurrence !== null &&
      (patch.start !== undefined ||
        patch.end !== undefined ||
        patch.recurrence !== undefined ||
        patch.isAllDay !== undefined);
    if (next.recurrence) {
      const moved =
        patch.recurrence === undefined && patch.start !== undefined
          ? shiftRange(next.recurrence, current, next.start)
          : next.recurrence;
      next.recurrence = withRecurrenceTimeZone(moved, next);
    }
    if (reshaped) {
      next.seriesGeneration = current.seriesGeneration + 1;
      next.exceptions = new Map();
      next.cancelled = new Set();
    }
    this.#commit(next, "updated", undefined);
    return next;
  }

  /** Turns one occurrence into an exception (or edits an existing exception). */
  updateOccurrence(key: string, originalStart: number, patch: Partial<EventContent>): StoredItem {
    const master = this.#current(key);
    const now = Date.now();
    const existing = master.exceptions.get(originalStart);
    const base: EventContent = existing ?? {
      ...pickContent(master),
      start: originalStart,
      end: originalStart + (master.end - master.start),
    };
    const exception: ExceptionState = {
      ...pickContent(base),
      ...patch,
      changeKey: newChangeKey(),
      createdAt: existing?.createdAt ?? now,
      modifiedAt: now,
    };
    const exceptions = new Map(master.exceptions).set(originalStart, exception);
    const next: StoredItem = { ...master, exceptions, modifiedAt: now };
    this.#commit(next, "updated", originalStart);
    return next;
  }

  cancelOccurrence(key: string, originalStart: number): StoredItem {
    const master = this.#current(key);
    const exceptions = new Map(master.exceptions);
    exceptions.delete(originalStart);
    const next: StoredItem = {
      ...master,
      exceptions,
      cancelled: new Set(master.cancelled).add(originalStart),
      changeKey: newChangeKey(),
      modifiedAt: Date.now(),
    };
    this.#commit(next, "deleted", originalStart);
    return next;
  }

  delete(key: string): StoredItem {
    const current = this.#current(key);
    const last: StoredItem = { ...current, deleted: true };
    this.#keyById.delete(current.regularId);
    this.#keyById.delete(current.immutableId);
    if (current.transactionId !== undefined) this.#transactions.delete(current.transactionId);
    this.#commit(last, "deleted", undefined);
    return last;
  }

  /** Moves an event to another calendar: its regular id changes, its immutable id does not. */
  move(key: string, calendarId: string): StoredItem {
    const current = this.#current(key);
    this.calendar(calendarId);
    if (current.calendarId === calendarId) return current;
    const next: StoredItem = {
      ...current,
      calendarId,
      ordinal: this.#nextOrdinal++,
      regularId: newRegularId(),
      changeKey: newChangeKey(),
      modifiedAt: Date.now(),
    };
    this.#keyById.delete(current.regularId);
    this.#keyById.set(next.regularId, key);
    this.#calendarIndex.get(calendarId)?.add(next.ordinal, key);
    const oldIndex = this.#calendarIndex.get(current.calendarId);
    if (oldIndex) oldIndex.dead++;
    this.#commit(next, "updated", undefined);
    return next;
  }

  /** Shifts a whole series in time, as a user dragging it in Outlook: every occurrence gets a new id. */
  shiftSeries(key: string, minutes: number): StoredItem {
    const current = this.#current(key);
    const delta = minutes * 60_000;
    return this.update(key, { start: current.start + delta, end: current.end + delta });
  }

  /** The latest version of an item, or its tombstone, with the sequence number of its last change. */
  latest(key: string): StoredItem | undefined {
    return this.#items.get(key) ?? this.#tombstones.get(key);
  }

  /** Log entries with seq in (after, through], in order. */
  *logBetween(after: number, through: number): Generator<LogEntry> {
    const log = this.#log;
    let low = 0;
    let high = log.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((log[mid] as LogEntry).seq <= after) low = mid + 1;
      else high = mid;
    }
    for (let i = low; i < log.length; i++) {
      const entry = log[i] as LogEntry;
      if (entry.seq > through) return;
      yield entry;
    }
  }

  /** The version of an item a client knew after seeing every change through `seq`, if it existed then. */
  versionAt(item: StoredItem, seq: number): StoredItem | undefined {
    let version: StoredItem | undefined = item;
    while (version && version.seq > seq) version = version.previous;
    return version;
  }

  /** Forgets every change so far: delta tokens issued before now must restart with a full sync. */
  expireSyncState(): void {
    this.syncGeneration++;
  }

  #commit(version: StoredItem, changeType: ChangeType, originalStart: number | undefined): void {
    const previous = this.#items.get(version.key);
    version.seq = ++this.seq;
    version.previous = previous;
    this.#cutHistory(version);
    if (version.deleted) {
      this.#items.delete(version.key);
      this.#tombstones.set(version.key, version);
    } else {
      this.#items.set(version.key, version);
    }
    this.#log.push({ seq: version.seq, key: version.key });
    this.#trimLog();
    this.onChange({ mailboxId: this.owner.id, changeType, item: version, originalStart });
  }

  /** Versions older than what any valid token can ask about are dropped. */
  #cutHistory(version: StoredItem): void {
    let cursor: StoredItem | undefined = version;
    while (cursor) {
      if (cursor.seq <= this.forgottenThrough) {
        cursor.previous = undefined;
        return;
      }
      cursor = cursor.previous;
    }
  }

  #trimLog(): void {
    const retention = this.limits().changeLogRetention;
    if (this.#log.length <= retention) return;
    const drop = this.#log.length - Math.floor(retention * 0.75);
    this.forgottenThrough = (this.#log[drop - 1] as LogEntry).seq;
    this.#log = this.#log.slice(drop);
    for (const [key, tombstone] of this.#tombstones)
      if (tombstone.seq <= this.forgottenThrough) this.#tombstones.delete(key);
    for (const [calendarId, index] of this.#calendarIndex)
      if (index.dead > index.keys.length / 2) this.#reindex(calendarId);
  }

  #reindex(calendarId: string): void {
    const index = new OrdinalIndex();
    for (const item of this.itemsOf(calendarId)) index.add(item.ordinal, item.key);
    this.#calendarIndex.set(calendarId, index);
  }

  snapshot(): MailboxSnapshot {
    return {
      calendars: [...this.calendars.values()],
      items: [...this.#items.values()].map(({ previous: _previous, exceptions, cancelled, ...rest }) => ({
        ...rest,
        exceptions: [...exceptions],
        cancelled: [...cancelled],
      })),
      seq: this.seq,
      nextOrdinal: this.#nextOrdinal,
      transactionIds: [...this.#transactions],
    };
  }

  /** Restores state saved by `snapshot()`; change history is not saved, so outstanding delta tokens restart. */
  restore(snapshot: MailboxSnapshot): void {
    this.calendars.clear();
    this.#calendarIndex.clear();
    this.#items.clear();
    this.#keyById.clear();
    this.#tombstones.clear();
    for (const calendar of snapshot.calendars) {
      this.calendars.set(calendar.id, { ...calendar });
      this.#calendarIndex.set(calendar.id, new OrdinalIndex());
    }
    const items = snapshot.items
      .map((saved): StoredItem => ({
        ...saved,
        previous: undefined,
        exceptions: new Map(saved.exceptions),
        cancelled: new Set(saved.cancelled),
      }))
      .sort((a, b) => a.ordinal - b.ordinal);
    for (const item of items) {
      this.#items.set(item.key, item);
      this.#keyById.set(item.regularId, item.key);
      this.#keyById.set(item.immutableId, item.key);
      this.#calendarIndex.get(item.calendarId)?.add(item.ordinal, item.key);
    }
    this.#transactions.clear();
    for (const [transactionId, entry] of snapshot.transactionIds) this.#transactions.set(transactionId, entry);
    this.seq = snapshot.seq;
    this.#nextOrdinal = snapshot.nextOrdinal;
    this.#log = [];
    this.forgottenThrough = snapshot.seq;
    this.syncGeneration++;
  }
}

/** Graph reports the series' zone in `range.recurrenceTimeZone`, filled from the start's zone when the client gave none. */
function withRecurrenceTimeZone(recurrence: PatternedRecurrence, content: EventContent): PatternedRecurrence {
  if (recurrence.range.recurrenceTimeZone) return recurrence;
  const zone = resolveTimeZone(content.startTimeZone);
  return { ...recurrence, range: { ...recurrence.range, recurrenceTimeZone: zone?.windows ?? content.startTimeZone } };
}

/** Moving a series' start moves its range start by as many days (in the series' zone). */
function shiftRange(recurrence: PatternedRecurrence, before: EventContent, newStart: number): PatternedRecurrence {
  const zone = seriesZone(recurrence, before.startTimeZone);
  const days =
    Math.floor(utcToWallClock(newStart, zone) / DAY_MS) - Math.floor(utcToWallClock(before.start, zone) / DAY_MS);
  if (days === 0) return recurrence;
  return {
    ...recurrence,
    range: { ...recurrence.range, startDate: dayToDate(dateToDay(recurrence.range.startDate) + days) },
  };
}

export type { MailboxSnapshot };
