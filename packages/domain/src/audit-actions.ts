/**
 * Every action the audit log records, by area (what comes before the first dot). A filter or a page names them; a
 * row may still carry an action from before one was renamed, and is shown as it is. No imports: the web app reads it.
 */
export const AUDIT_ACTIONS = [
  "user.first_sign_in",
  "user.role_changed",
  "user.deactivated",
  "user.reactivated",
  "outlook.connect",
  "outlook.reconnect",
  "outlook.disconnect",
  "outlook.settings_changed",
  "outlook.imported_events_removed",
  "outlook.formation_copies_moved",
  "outlook.formation_copies_removed",
  "outlook.conflict_resolved",
  "outlook.needs_reauth",
  "outlook.refresh_failed",
  "outlook.notification_rejected",
  "formation.created",
  "formation.updated",
  "formation.cancelled",
  "enrolment.added",
  "enrolment.removed",
  "calendar_feed.created",
  "calendar_feed.rotated",
  "calendar_feed.settings_changed",
  "calendar_feed.deleted",
  "admin.job_retried",
  "admin.integration_resynced",
  "admin.platform_settings_changed",
  "service_token.created",
  "service_token.revoked",
  "audit_log.purged",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Whether a stored action is one this version knows (and can name in words). */
export function isAuditAction(action: string): action is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(action);
}

/** The areas of the actions (`outlook`, `formation`…), in the order the list names them first. */
export type AuditArea = AuditAction extends `${infer Area}.${string}` ? Area : never;
export const AUDIT_AREAS = [
  ...new Set(AUDIT_ACTIONS.map((action) => action.slice(0, action.indexOf(".")) as AuditArea)),
];
