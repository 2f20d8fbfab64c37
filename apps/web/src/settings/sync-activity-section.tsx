import type { Integration } from "../api/trpc";

/**
 * Placeholder for the `sync` router's screens: "Importer les événements" with its progress and result, the recent
 * sync runs, the formations to export and the conflicts to review. It renders nothing until that router exists,
 * rather than anything made up; the settings page already gives it the person's Outlook connection.
 */
export function SyncActivitySection(_props: { integration: Integration | null }) {
  return null;
}
