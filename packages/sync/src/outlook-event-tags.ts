/**
 * How the product recognises its own events in Outlook. The formation id travels in a single-value extended
 * property (in the PS_PUBLIC_STRINGS set), so an exported formation is found again even after a reconnect or a
 * lost database row; the category shows people which events the platform put there.
 */
export const FORMATION_ID_PROPERTY = "String {00020329-0000-0000-C000-000000000046} Name AgendaFormationId";
export const FORMATION_CATEGORY = "Formation";
