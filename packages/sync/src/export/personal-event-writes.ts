import type { DatabaseOrTransaction } from "@agenda/db/client";
import { agendaEvents } from "@agenda/db/schema";
import type { Event as GraphEvent } from "@microsoft/microsoft-graph-types";
import { and, eq, gt, inArray, isNull, or, type SQL } from "drizzle-orm";
import { hasPendingEdit, type AgendaEventRow } from "../reconcile/outlook-changes";
import type { SyncRun } from "../runs/sync-run";
import type { IntegrationKey } from "./formation-writes";
import type { BatchRetrySettings } from "./graph-batch";
import { AGENDA_EVENT_ID_PROPERTY } from "./outlook-event-tags";
import { writeToOutlook, type ExportCounts, type PlannedWrite, type WriteTarget } from "./outlook-writes";
import { personalEventToGraphEvent, personalEventToGraphEventChanges } from "./personal-event-mapping";

export interface ExportPersonalEventsOptions {
  retry?: Partial<BatchRetrySettings>;
}

/**
 * Personal rows an export of the integration looks at: those with an edit Outlook does not have, platform events of
 * the user (this mailbox's, or never exported) and this mailbox's Outlook events edited or deleted in the platform.
 * `plannedPersonalWrite` decides what each one needs.
 */
function personalCandidatesOf(integration: IntegrationKey): SQL | undefined {
  return and(
    eq(agendaEvents.ownerId, integration.userId),
    inArray(agendaEvents.source, ["platform", "outlook"]),
    or(isNull(agendaEvents.outlookVersion), gt(agendaEvents.version, agendaEvents.outlookVersion)),
    or(
      eq(agendaEvents.integrationId, integration.id),
      and(eq(agendaEvents.source, "platform"), isNull(agendaEvents.integrationId)),
    ),
  );
}

/** The personal rows an export of the integration would send, as a subquery (for `exists`). */
export function personalEventsToExport(db: DatabaseOrTransaction, integration: IntegrationKey) {
  return db.select({ id: agendaEvents.id }).from(agendaEvents).where(personalCandidatesOf(integration));
}

/**
 * The export rule for personal events: what a row with a platform edit Outlook lacks needs. A deletion deletes the copy
 * (at once when there never was one); a copy whose create answer was lost is looked up by its transaction's trace; a
 * platform event reaches Outlook only while export is on, an Outlook event edited here goes back to it anyway.
 */
export function plannedPersonalWrite(row: AgendaEventRow, exportEnabled: boolean): PlannedWrite | undefined {
  if (!hasPendingEdit(row)) return undefined;
  if (row.graphEventId === null && row.graphTransactionId !== null) return "lookup";
  if (row.deletedAt !== null) return "delete";
  if (row.graphEventId !== null) return "update";
  return row.source === "platform" && !exportEnabled ? undefined : "create";
}

/**
 * Brings Outlook in line with the user's personal events: creates platform events in the export calendar, writes
 * platform edits and deletions of them and of Outlook events back to their copy, each write conditioned on the last
 * changeKey seen (If-Match). A copy changed in Outlook meanwhile (412) is read again and the conflict rules decide;
 * one deleted there (404) too. Sends nothing when nothing is pending.
 */
export async function exportPersonalEvents(
  run: SyncRun,
  options: ExportPersonalEventsOptions = {},
): Promise<ExportCounts> {
  const rows = await run.db.select().from(agendaEvents).where(personalCandidatesOf(run.integration));
  const target: WriteTarget<AgendaEventRow> = {
    describe: (row) => `agenda event ${row.id}`,
    plannedWrite: (row) => plannedPersonalWrite(row, run.integration.exportEnabled),
    versionOf: (row) => row.version,
    createBody: personalEventToGraphEvent,
    updateBody: personalEventToGraphEventChanges,
    tag: (row) => ({ property: AGENDA_EVENT_ID_PROPERTY, value: row.id }),
    conditionalDelete: true,
    recordWritten: (row, version, event: GraphEvent) => {
      const modified = event.lastModifiedDateTime ? new Date(event.lastModifiedDateTime) : null;
      row.outlookVersion = Math.max(row.outlookVersion ?? 0, version);
      // The body as synced: written, or left as it was (the one synced before, or unknown and taken as in line).
      row.outlookBody = row.body;
      row.remoteModifiedAt = modified && !Number.isNaN(modified.getTime()) ? modified : row.remoteModifiedAt;
    },
    recordDeleted: (row, version) => {
      row.outlookVersion = Math.max(row.outlookVersion ?? 0, version);
      row.syncStatus = "synced";
      row.syncError = null;
    },
    // A create that made nothing: the next one needs no lookup.
    forgetCopy: (row) => {
      row.graphTransactionId = null;
    },
    // Personal events never move between calendars: they leave no strays.
    straysMayGo: () => true,
    // The conflict rules already took a copy showing what the row holds as in line.
    copyShowsRow: () => false,
  };
  return writeToOutlook(run, target, rows, { retry: options.retry, respectRemovals: true });
}
