import { describe, expect, it } from "vitest";
import {
  FORMATION_CATEGORY,
  formationAppointmentFill,
  formationOfAppointment,
  type FormationFacts,
} from "./formation-appointment";

const formation: FormationFacts = {
  formationId: "0c1d2e3f-0000-4000-8000-0000000000aa",
  title: "Sécurité <incendie> & évacuation",
  startsAt: "2026-12-01T08:00:00.000Z",
  endsAt: "2026-12-01T12:00:00.000Z",
  location: null,
};

describe("formations in appointments", () => {
  it("fills an appointment with the formation, its HTML escaped", () => {
    const fill = formationAppointmentFill(formation, "https://agenda.example/agenda", "Mes formations");
    expect(fill).toMatchObject({
      formationId: formation.formationId,
      subject: formation.title,
      location: "",
      start: new Date(formation.startsAt),
      end: new Date(formation.endsAt),
    });
    expect(fill.body).toBe(
      '<p>Sécurité &#60;incendie&#62; &#38; évacuation</p><p><a href="https://agenda.example/agenda">Mes formations</a></p>',
    );
  });

  it("recognises an appointment by its formation tag first", () => {
    expect(
      formationOfAppointment({ subject: "anything", start: null, categories: [], formationId: "tagged" }, [formation]),
    ).toBe("tagged");
  });

  it("recognises an exported copy by its category, title and start", () => {
    const copy = {
      subject: formation.title,
      start: new Date(formation.startsAt),
      categories: [FORMATION_CATEGORY],
      formationId: null,
    };
    expect(formationOfAppointment(copy, [formation])).toBe(formation.formationId);
    expect(formationOfAppointment({ ...copy, categories: [] }, [formation])).toBeNull();
    expect(formationOfAppointment({ ...copy, start: new Date("2026-12-02T08:00:00.000Z") }, [formation])).toBeNull();
  });
});
