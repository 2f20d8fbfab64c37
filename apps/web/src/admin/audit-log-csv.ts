import { stringify } from "csv-stringify/browser/esm/sync";
import type { AuditLogEntry } from "../api/trpc";

/** Columns of the export, named as the API names the fields: a spreadsheet or a script reads them the same way. */
const COLUMNS = [
  "occurredAt",
  "action",
  "outcome",
  "actorKind",
  "actor",
  "userId",
  "user",
  "subjectType",
  "subjectId",
  "subject",
  "integrationId",
  "requestId",
  "detail",
];

/**
 * A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or a carriage return first) gets a leading
 * quote: titles and labels come from other people and apps, and must not become formulas on an admin's machine.
 */
function inert(value: string | null): string {
  if (value === null) return "";
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The entries as RFC 4180 CSV (UTF-8 with a byte order mark, which spreadsheets need to read accents right). */
export function auditLogCsv(entries: readonly AuditLogEntry[]): string {
  const rows = entries.map((entry) =>
    [
      entry.occurredAt,
      entry.action,
      entry.outcome,
      entry.actor.kind,
      entry.actor.label,
      entry.user?.id ?? null,
      entry.user?.label ?? null,
      entry.subject?.type ?? null,
      entry.subject?.id ?? null,
      entry.subject?.label ?? null,
      entry.integrationId,
      entry.requestId,
      entry.detail ? JSON.stringify(entry.detail) : null,
    ].map(inert),
  );
  return `\uFEFF${stringify([COLUMNS, ...rows], { record_delimiter: "windows" })}`;
}
