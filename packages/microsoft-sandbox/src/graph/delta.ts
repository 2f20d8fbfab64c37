import { z } from "zod";
import { instanceId, itemIdOf } from "./event-json";
import type { EventInstance } from "./event-model";
import { instancesInWindow, type TimeWindow } from "./instances";
import type { MailboxStore } from "./mailbox-store";

/**
 * State of a calendarView delta round, carried opaquely in $skiptoken/$deltatoken. A round is either
 * the initial one (every instance in the window, paged by calendar position) or a change round (the
 * mailbox's change log between two sequence numbers). Positions are (group cursor, entries of the next
 * group already sent), so a series larger than a page is split across pages.
 */
const deltaCursorSchema = z.object({
  v: z.literal(1),
  /** Mailbox (user id) and calendar id. */
  m: z.string(),
  c: z.string(),
  /** Window, UTC ms. */
  ws: z.number(),
  we: z.number(),
  /** The mailbox's sync generation when the token was issued. */
  g: z.number(),
  /** "i": initial round, "c": change round. */
  ph: z.enum(["i", "c"]),
  /** Sequence the client will have seen everything up to once this round ends (initial) or started from (change). */
  from: z.number(),
  /** Last sequence number of a change round; -1 until the round's first page fixes it. */
  to: z.number(),
  /** Cursor: last calendar ordinal (initial) or last log sequence (change) fully sent. */
  pos: z.number(),
  skip: z.number().int().nonnegative(),
  /** Issued at, epoch ms. */
  t: z.number(),
});

export type DeltaCursor = z.infer<typeof deltaCursorSchema>;

export function encodeDeltaToken(cursor: DeltaCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

export function decodeDeltaToken(token: string): DeltaCursor | undefined {
  try {
    const parsed = deltaCursorSchema.safeParse(JSON.parse(Buffer.from(token, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export type DeltaEntry = { kind: "event"; instance: EventInstance } | { kind: "removed"; id: string };

interface DeltaGroup {
  pos: number;
  entries: DeltaEntry[];
}

export function initialCursor(mailbox: MailboxStore, calendarId: string, window: TimeWindow): DeltaCursor {
  return {
    v: 1,
    m: mailbox.owner.id,
    c: calendarId,
    ws: window.start,
    we: window.end,
    g: mailbox.syncGeneration,
    ph: "i",
    from: mailbox.seq,
    to: mailbox.seq,
    pos: -1,
    skip: 0,
    t: Date.now(),
  };
}

function* initialGroups(mailbox: MailboxStore, cursor: DeltaCursor): Generator<DeltaGroup> {
  const window = { start: cursor.ws, end: cursor.we };
  for (const item of mailbox.itemsOf(cursor.c, cursor.pos)) {
    const instances = instancesInWindow(item, window);
    if (instances.length > 0)
      yield { pos: item.ordinal, entries: instances.map((instance) => ({ kind: "event", instance })) };
  }
}

/**
 * One group per item changed in (from, to], emitted at the item's last change so an item edited many
 * times appears once. Graph's rules: instances in the window come back whole; instances the client
 * knew that are gone (deleted, moved to another calendar, shifted to new ids) come back as @removed;
 * an item changed outside the window comes back as @removed too.
 */
function* changeGroups(mailbox: MailboxStore, cursor: DeltaCursor, immutable: boolean): Generator<DeltaGroup> {
  const window = { start: cursor.ws, end: cursor.we };
  for (const entry of mailbox.logBetween(cursor.pos, cursor.to)) {
    const latest = mailbox.latest(entry.key);
    if (!latest || latest.seq !== entry.seq) continue;
    const known = mailbox.versionAt(latest, cursor.from);
    const inCalendar = !latest.deleted && latest.calendarId === cursor.c;
    const knownInCalendar = known !== undefined && !known.deleted && known.calendarId === cursor.c;
    if (!inCalendar && !knownInCalendar) continue;
    const current = inCalendar ? instancesInWindow(latest, window) : [];
    const currentIds = new Set(current.map((instance) => instanceId(instance, immutable)));
    const entries: DeltaEntry[] = current.map((instance) => ({ kind: "event", instance }));
    if (known && knownInCalendar) {
      for (const instance of instancesInWindow(known, window)) {
        const id = instanceId(instance, immutable);
        if (!currentIds.has(id)) entries.push({ kind: "removed", id });
      }
    }
    if (entries.length === 0)
      entries.push({ kind: "removed", id: itemIdOf(known && !inCalendar ? known : latest, immutable) });
    yield { pos: entry.seq, entries };
  }
}

export interface DeltaPage {
  entries: DeltaEntry[];
  /** Cursor of the next page, or undefined when the round is over. */
  next: DeltaCursor | undefined;
  /** Cursor of the next round (the deltaLink), when the round is over. */
  nextRound: DeltaCursor | undefined;
}

export function readDeltaPage(
  mailbox: MailboxStore,
  cursor: DeltaCursor,
  pageSize: number,
  immutable: boolean,
): DeltaPage {
  const groups = cursor.ph === "i" ? initialGroups(mailbox, cursor) : changeGroups(mailbox, cursor, immutable);
  const entries: DeltaEntry[] = [];
  let pos = cursor.pos;
  let skip = cursor.skip;
  for (const group of groups) {
    const remaining = group.entries.length - skip;
    const room = pageSize - entries.length;
    if (remaining > room) {
      entries.push(...group.entries.slice(skip, skip + room));
      return { entries, next: { ...cursor, pos, skip: skip + room, t: Date.now() }, nextRound: undefined };
    }
    entries.push(...group.entries.slice(skip));
    skip = 0;
    pos = group.pos;
  }
  const seenThrough = cursor.ph === "i" ? cursor.from : cursor.to;
  return {
    entries,
    next: undefined,
    nextRound: { ...cursor, ph: "c", from: seenThrough, to: -1, pos: seenThrough, skip: 0, t: Date.now() },
  };
}
