import type { AppointmentFill, AppointmentSummary } from "../office/office-adapter";

/** The category the product's export puts on every formation it writes to Outlook (packages/sync outlook-event-tags). */
export const FORMATION_CATEGORY = "Formation";

export interface FormationFacts {
  formationId: string;
  title: string;
  startsAt: string;
  endsAt: string;
  location: string | null;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/** What "fill with this formation" writes into the appointment being composed. */
export function formationAppointmentFill(
  formation: FormationFacts,
  agendaUrl: string,
  bodyLine: string,
): AppointmentFill {
  return {
    formationId: formation.formationId,
    subject: formation.title,
    start: new Date(formation.startsAt),
    end: new Date(formation.endsAt),
    location: formation.location ?? "",
    body: `<p>${escapeHtml(formation.title)}</p><p><a href="${escapeHtml(agendaUrl)}">${escapeHtml(bodyLine)}</a></p>`,
  };
}

/**
 * Which formation an appointment open in read mode is: the one it was filled with (custom property), or, for a
 * copy the product exported (its category), the formation with the same title and start.
 */
export function formationOfAppointment(
  appointment: AppointmentSummary,
  formations: readonly FormationFacts[],
): string | null {
  if (appointment.formationId) return appointment.formationId;
  if (!appointment.categories.includes(FORMATION_CATEGORY) || !appointment.start) return null;
  const start = appointment.start.getTime();
  const match = formations.find(
    (formation) => formation.title === appointment.subject && new Date(formation.startsAt).getTime() === start,
  );
  return match?.formationId ?? null;
}
