import { GraphError, badRequest } from "./errors";
import type { EventInstance } from "./event-model";
import { resolveTimeZone, type ResolvedTimeZone } from "./time-zones";

/** The `Prefer` preferences Graph's calendar API honours, parsed from every Prefer header of a request. */
export interface Preferences {
  maxPageSize: number | undefined;
  timeZone: ResolvedTimeZone | undefined;
  bodyContentType: "html" | "text" | undefined;
  immutableIds: boolean;
}

function splitPreferences(header: string): { name: string; value: string | undefined }[] {
  const parts = header.match(/(?:[^,"]|"[^"]*")+/g) ?? [];
  return parts.map((part) => {
    const [name, ...rest] = part.split("=");
    const raw = rest.join("=").trim();
    return { name: (name ?? "").trim().toLowerCase(), value: raw === "" ? undefined : raw.replace(/^"(.*)"$/, "$1") };
  });
}

export function parsePreferences(header: string | undefined): Preferences {
  const preferences: Preferences = {
    maxPageSize: undefined,
    timeZone: undefined,
    bodyContentType: undefined,
    immutableIds: false,
  };
  if (!header) return preferences;
  for (const { name, value } of splitPreferences(header)) {
    if (value === undefined) continue;
    if (name === "odata.maxpagesize") {
      const size = Number(value);
      if (Number.isInteger(size) && size > 0) preferences.maxPageSize = size;
    } else if (name === "outlook.timezone") {
      preferences.timeZone = resolveTimeZone(value);
    } else if (name === "outlook.body-content-type") {
      const type = value.toLowerCase();
      if (type === "html" || type === "text") preferences.bodyContentType = type;
    } else if (name === "idtype" && value.toLowerCase() === "immutableid") {
      preferences.immutableIds = true;
    }
  }
  return preferences;
}

/** `Preference-Applied` value for the preferences a response honoured. */
export function preferenceApplied(preferences: Preferences, pageSizeApplied: number | undefined): string | undefined {
  const applied: string[] = [];
  if (pageSizeApplied !== undefined) applied.push(`odata.maxpagesize=${pageSizeApplied}`);
  if (preferences.timeZone) applied.push(`outlook.timezone="${preferences.timeZone.name}"`);
  if (preferences.bodyContentType) applied.push(`outlook.body-content-type="${preferences.bodyContentType}"`);
  if (preferences.immutableIds) applied.push('IdType="ImmutableId"');
  return applied.length > 0 ? applied.join(", ") : undefined;
}

/** A JSON object without its instance annotations (`@odata.etag`, `@odata.type`…), which are not properties. */
export function withoutAnnotations(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith("@odata.")));
}

export function parseTop(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const top = Number(value);
  if (!Number.isInteger(top) || top < 0)
    throw badRequest(
      `Invalid value '${value}' for $top query option found. The $top query option requires a non-negative integer value.`,
    );
  return top;
}

export function parseSkip(value: string | undefined): number {
  if (value === undefined) return 0;
  const skip = Number(value);
  if (!Number.isInteger(skip) || skip < 0)
    throw badRequest(
      `Invalid value '${value}' for $skip query option found. The $skip query option requires a non-negative integer value.`,
    );
  return skip;
}

export function parseSelect(
  value: string | undefined,
  known: ReadonlySet<string>,
  entity: string,
): Set<string> | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const selected = new Set<string>();
  for (const raw of value.split(",")) {
    const name = raw.trim();
    const match = [...known].find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    if (!match)
      throw new GraphError(
        400,
        "RequestBroker--ParseUri",
        `Could not find a property named '${name}' on type 'microsoft.graph.${entity}'.`,
      );
    selected.add(match);
  }
  return selected;
}

const quoted = "'((?:[^']|'')*)'";
const unquote = (value: string): string => value.replace(/''/g, "'");
const EXTENDED_PROPERTY_ANY = new RegExp(
  `^singleValueExtendedProperties/any\\(\\s*(\\w+)\\s*:\\s*\\1/id\\s+eq\\s+${quoted}\\s+and\\s+\\1/value\\s+eq\\s+${quoted}\\s*\\)$`,
  "i",
);
const PROPERTY_EQ = new RegExp(`^(iCalUId|subject|type|transactionId|showAs|sensitivity)\\s+eq\\s+${quoted}$`, "i");
const CATEGORY_ANY = new RegExp(`^categories/any\\(\\s*(\\w+)\\s*:\\s*\\1\\s+eq\\s+${quoted}\\s*\\)$`, "i");

type EventPredicate = (instance: EventInstance) => boolean;

function stripParentheses(clause: string): string {
  let text = clause.trim();
  while (text.startsWith("(") && text.endsWith(")") && balanced(text.slice(1, -1))) text = text.slice(1, -1).trim();
  return text;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const char of text) {
    if (char === "(") depth++;
    else if (char === ")" && --depth < 0) return false;
  }
  return depth === 0;
}

/** Splits on top-level " and " (outside parentheses and quotes). */
function splitAnd(filter: string): string[] {
  const clauses: string[] = [];
  let depth = 0;
  let inQuote = false;
  let start = 0;
  for (let i = 0; i < filter.length; i++) {
    const char = filter[i];
    if (char === "'") inQuote = !inQuote;
    else if (!inQuote && char === "(") depth++;
    else if (!inQuote && char === ")") depth--;
    else if (!inQuote && depth === 0 && /^\sand\s/i.test(filter.slice(i, i + 5))) {
      clauses.push(filter.slice(start, i));
      start = i + 5;
      i += 4;
    }
  }
  clauses.push(filter.slice(start));
  return clauses.map(stripParentheses);
}

function clausePredicate(clause: string): EventPredicate {
  const extended = EXTENDED_PROPERTY_ANY.exec(clause);
  if (extended) {
    const id = unquote(extended[2] ?? "").toLowerCase();
    const value = unquote(extended[3] ?? "");
    return (instance) =>
      instance.content.singleValueExtendedProperties.some((p) => p.id.toLowerCase() === id && p.value === value);
  }
  const category = CATEGORY_ANY.exec(clause);
  if (category) {
    const wanted = unquote(category[2] ?? "");
    return (instance) => instance.content.categories.includes(wanted);
  }
  const property = PROPERTY_EQ.exec(clause);
  if (property) {
    const name = (property[1] ?? "").toLowerCase();
    const value = unquote(property[2] ?? "");
    if (name === "icaluid") return (instance) => instance.item.iCalUId === value;
    if (name === "subject") return (instance) => instance.content.subject === value;
    if (name === "type") return (instance) => instance.type === value;
    if (name === "transactionid") return (instance) => instance.item.transactionId === value;
    if (name === "showas") return (instance) => instance.content.showAs === value;
    return (instance) => instance.content.sensitivity === value;
  }
  throw badRequest("Invalid filter clause");
}

/**
 * The subset of `$filter` the sandbox understands on event lists: clauses joined by `and`, each one of
 * `singleValueExtendedProperties/Any(ep: ep/id eq '…' and ep/value eq '…')`, `categories/any(c: c eq '…')`
 * or `<iCalUId|subject|type|transactionId|showAs|sensitivity> eq '…'`. Anything else is a 400.
 */
export function parseEventFilter(filter: string | undefined): EventPredicate | undefined {
  if (filter === undefined || filter.trim() === "") return undefined;
  const predicates = splitAnd(stripParentheses(filter)).map(clausePredicate);
  return (instance) => predicates.every((predicate) => predicate(instance));
}

const EXPAND_EXTENDED = /^singleValueExtendedProperties(?:\(\s*\$filter\s*=\s*(.+)\))?$/i;
const ID_EQ = new RegExp(`^id\\s+eq\\s+${quoted}$`, "i");

/** `$expand=singleValueExtendedProperties($filter=id eq '…' [or id eq '…'])` → which property ids to include. */
export function parseExtendedPropertyExpand(expand: string | undefined): ((id: string) => boolean) | undefined {
  if (expand === undefined || expand.trim() === "") return undefined;
  const match = EXPAND_EXTENDED.exec(expand.trim());
  if (!match)
    throw badRequest(
      `Parsing OData Select and Expand failed: Could not find a property named '${expand.split("(")[0]}' on type 'microsoft.graph.event'.`,
    );
  if (match[1] === undefined) return () => true;
  const ids = match[1].split(/\s+or\s+/i).map((clause) => {
    const id = ID_EQ.exec(stripParentheses(clause));
    if (!id) throw badRequest("Invalid filter clause");
    return unquote(id[1] ?? "").toLowerCase();
  });
  return (id) => ids.includes(id.toLowerCase());
}

const ORDERABLE: Record<string, (instance: EventInstance) => number | string> = {
  "start/datetime": (instance) => instance.content.start,
  "end/datetime": (instance) => instance.content.end,
  createddatetime: (instance) => instance.createdAt,
  lastmodifieddatetime: (instance) => instance.modifiedAt,
  subject: (instance) => instance.content.subject,
};

/** `$orderby` on events: start/dateTime, end/dateTime, createdDateTime, lastModifiedDateTime or subject, asc or desc. */
export function parseEventOrderBy(
  orderBy: string | undefined,
): ((a: EventInstance, b: EventInstance) => number) | undefined {
  if (orderBy === undefined || orderBy.trim() === "") return undefined;
  const keys = orderBy.split(",").map((clause) => {
    const [name = "", direction = "asc"] = clause.trim().split(/\s+/);
    const key = ORDERABLE[name.toLowerCase()];
    if (!key || !/^(asc|desc)$/i.test(direction))
      throw badRequest(`The $orderby clause '${clause.trim()}' is not supported.`);
    return { key, sign: direction.toLowerCase() === "desc" ? -1 : 1 };
  });
  return (a, b) => {
    for (const { key, sign } of keys) {
      const left = key(a);
      const right = key(b);
      if (left < right) return -sign;
      if (left > right) return sign;
    }
    return 0;
  };
}
