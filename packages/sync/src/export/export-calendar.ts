import { DomainError } from "@agenda/domain/errors";
import { graphStatusOf } from "@agenda/graph/graph-client";
import type { SyncRun } from "../runs/sync-run";
import { PREFER_IMMUTABLE_IDS } from "./graph-batch";

const resolved = new WeakMap<SyncRun, Promise<string>>();

/**
 * The calendar exports go to: the one the user chose, else the default one. Refuses one that is gone or read-only.
 * Asked once per run, and only by a run that creates or looks something up.
 */
export function exportCalendarOf(run: SyncRun): Promise<string> {
  let calendar = resolved.get(run);
  if (!calendar) {
    calendar = resolveExportCalendar(run);
    resolved.set(run, calendar);
  }
  return calendar;
}

async function resolveExportCalendar(run: SyncRun): Promise<string> {
  const chosen = run.integration.exportCalendarId;
  try {
    const calendar = (await run.graph
      .api(chosen ? `/me/calendars/${encodeURIComponent(chosen)}` : "/me/calendar")
      .header("Prefer", PREFER_IMMUTABLE_IDS)
      .select(["id", "canEdit"])
      .get()) as { id?: string; canEdit?: boolean };
    if (!calendar.id || calendar.canEdit === false)
      throw new DomainError("OUTLOOK_CALENDAR_UNKNOWN", { id: chosen ?? "default" });
    return calendar.id;
  } catch (error) {
    if (graphStatusOf(error) === 404) throw new DomainError("OUTLOOK_CALENDAR_UNKNOWN", { id: chosen ?? "default" });
    throw error;
  }
}
