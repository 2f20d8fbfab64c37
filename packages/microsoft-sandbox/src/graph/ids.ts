import { randomBytes } from "node:crypto";

/**
 * Ids shaped like Outlook's: base64url, case-sensitive, with the prefixes Exchange uses for regular
 * (`AAMkAG…`) and immutable (`AAkALg…`) item ids. Occurrence ids extend their master's id with the
 * series generation and the original start, so they survive without being stored and change when the
 * series is shifted.
 */
const REGULAR_PREFIX = "AAMkAG";
const IMMUTABLE_PREFIX = "AAkALg";
const CALENDAR_PREFIX = "AQMkAD";
const CORE_LENGTH = 43;
const ITEM_ID_LENGTH = REGULAR_PREFIX.length + CORE_LENGTH;

const core = (): string => randomBytes(32).toString("base64url");

export const newRegularId = (): string => REGULAR_PREFIX + core();
export const newImmutableId = (): string => IMMUTABLE_PREFIX + core();
export const newCalendarId = (): string => CALENDAR_PREFIX + core();

export const newChangeKey = (): string => randomBytes(22).toString("base64");

export function occurrenceId(masterId: string, generation: number, originalStart: number): string {
  return masterId + Buffer.from(`${generation}.${originalStart}`).toString("base64url");
}

export interface ParsedEventId {
  itemId: string;
  occurrence: { generation: number; originalStart: number } | undefined;
}

export function parseEventId(id: string): ParsedEventId | undefined {
  if (!id.startsWith(REGULAR_PREFIX) && !id.startsWith(IMMUTABLE_PREFIX)) return undefined;
  if (id.length < ITEM_ID_LENGTH) return undefined;
  if (id.length === ITEM_ID_LENGTH) return { itemId: id, occurrence: undefined };
  const suffix = Buffer.from(id.slice(ITEM_ID_LENGTH), "base64url").toString("utf8");
  const match = /^(\d+)\.(-?\d+)$/.exec(suffix);
  if (!match) return undefined;
  return {
    itemId: id.slice(0, ITEM_ID_LENGTH),
    occurrence: { generation: Number(match[1]), originalStart: Number(match[2]) },
  };
}

/** Exchange's GlobalObjectId class id, then the instance date (zero on a master), then a unique part. */
const GLOBAL_OBJECT_ID_CLASS = "040000008200E00074C5B7101A82E008";

export function newICalUId(createdAt: number): string {
  const filetime = (BigInt(createdAt) * 10_000n + 116_444_736_000_000_000n)
    .toString(16)
    .toUpperCase()
    .padStart(16, "0");
  return `${GLOBAL_OBJECT_ID_CLASS}00000000${filetime}0000000000000000100000${randomBytes(16).toString("hex").toUpperCase()}`;
}

/** Occurrences get their own iCalUId: the master's with the instance date (year, month, day) filled in. */
export function occurrenceICalUId(masterUid: string, originalStart: number): string {
  const date = new Date(originalStart);
  const instanceDate =
    date.getUTCFullYear().toString(16).toUpperCase().padStart(4, "0") +
    (date.getUTCMonth() + 1).toString(16).toUpperCase().padStart(2, "0") +
    date.getUTCDate().toString(16).toUpperCase().padStart(2, "0");
  const prefixLength = GLOBAL_OBJECT_ID_CLASS.length;
  return masterUid.slice(0, prefixLength) + instanceDate + masterUid.slice(prefixLength + 8);
}
