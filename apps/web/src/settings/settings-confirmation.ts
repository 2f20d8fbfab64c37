import type { Integration } from "../api/trpc";
import type { SettingsChange } from "./use-outlook-integration";

/**
 * What a settings change asks the person first, if anything: `removeImported` when it takes Outlook events out of the
 * agenda (import turned off, a calendar unticked; `count` of them), `disableExport` when export is turned off (keep the
 * formation copies in Outlook, or remove them).
 */
export type SettingsConfirmation =
  { kind: "removeImported"; change: SettingsChange; count: number } | { kind: "disableExport"; change: SettingsChange };

/**
 * The confirmation a change needs, or null to save it at once. Counts come from the integration (`importedEventCounts`,
 * per calendar): a selection left empty means the default calendar (`defaultCalendarId`).
 */
export function confirmationFor(
  integration: Integration,
  change: SettingsChange,
  defaultCalendarId: string | undefined,
): SettingsConfirmation | null {
  if (change.exportEnabled === false && integration.settings.exportEnabled) return { kind: "disableExport", change };
  const counts = Object.entries(integration.importedEventCounts);
  let leaving: Array<[string, number]> = [];
  if (change.importEnabled === false && integration.settings.importEnabled) leaving = counts;
  else if (change.importCalendarIds && integration.settings.importEnabled) {
    const kept = new Set(change.importCalendarIds.length > 0 ? change.importCalendarIds : [defaultCalendarId]);
    leaving = counts.filter(([calendarId]) => !kept.has(calendarId));
  }
  const count = leaving.reduce((sum, [, events]) => sum + events, 0);
  return count > 0 ? { kind: "removeImported", change, count } : null;
}
