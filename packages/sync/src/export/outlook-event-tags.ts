/**
 * How the product recognises its own events in Outlook. The formation id travels in a single-value extended
 * property (in the PS_PUBLIC_STRINGS set), so an exported formation is found again even after a reconnect or a
 * lost database row; the category shows people which events the platform put there.
 */
export const FORMATION_ID_PROPERTY = "String {00020329-0000-0000-C000-000000000046} Name AgendaFormationId";
export const FORMATION_CATEGORY = "Formation";

/**
 * The session a formation copy shows (same property set): each session is its own event, so a lookup finds the copy
 * of exactly one session; the formation id above still says which formation it belongs to.
 */
export const FORMATION_SESSION_ID_PROPERTY =
  "String {00020329-0000-0000-C000-000000000046} Name AgendaFormationSessionId";

/**
 * A personal event's agenda id on its Outlook copy (same property set): a copy whose create answer was lost, or whose
 * id the database lost, is found again by it instead of being created twice.
 */
export const AGENDA_EVENT_ID_PROPERTY = "String {00020329-0000-0000-C000-000000000046} Name AgendaEventId";
