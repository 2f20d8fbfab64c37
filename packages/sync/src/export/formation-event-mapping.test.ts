import { describe, expect, it } from "vitest";
import { FORMATION_ID_PROPERTY, FORMATION_SESSION_ID_PROPERTY } from "./outlook-event-tags";
import {
  formationToGraphEvent,
  formationToGraphEventChanges,
  graphDateTime,
  PRODUCT_OWNED_FIELDS,
  type ExportedFormation,
} from "./formation-event-mapping";
import { formationLink } from "@agenda/domain/links";

const formation: ExportedFormation = {
  id: "5b0f7c57-0d2e-4d8e-9c51-1f2e3d4c5b6a",
  sessionId: "1c2d3e4f-0d2e-4d8e-9c51-1f2e3d4c5b6a",
  title: "Excel",
  description: "",
  location: null,
  onlineUrl: null,
  startsAt: new Date("2026-10-25T00:30:00Z"),
  endsAt: new Date("2026-10-25T01:30:00Z"),
  timeZone: "Europe/Paris",
  cancelled: false,
  cancellationReason: null,
};

describe("formationToGraphEvent", () => {
  it("names the zone the Windows way and writes the wall clock of that zone, on both sides of a DST change", () => {
    expect(graphDateTime(new Date("2026-03-29T00:30:00Z"), "Europe/Paris")).toEqual({
      dateTime: "2026-03-29T01:30:00",
      timeZone: "Romance Standard Time",
    });
    expect(graphDateTime(new Date("2026-03-29T01:30:00Z"), "Europe/Paris")).toEqual({
      dateTime: "2026-03-29T03:30:00",
      timeZone: "Romance Standard Time",
    });
    expect(graphDateTime(new Date("2026-11-01T14:00:00Z"), "America/New_York")).toEqual({
      dateTime: "2026-11-01T09:00:00",
      timeZone: "Eastern Standard Time",
    });
  });

  it("sends as UTC a wall clock that happens twice, which a zone name could not tell apart", () => {
    // 00:30Z is 02:30 summer time; 01:30Z is 02:30 winter time, the same wall clock an hour later.
    expect(graphDateTime(formation.startsAt, "Europe/Paris")).toEqual({
      dateTime: "2026-10-25T00:30:00",
      timeZone: "UTC",
    });
    expect(graphDateTime(formation.endsAt, "Europe/Paris")).toEqual({
      dateTime: "2026-10-25T01:30:00",
      timeZone: "UTC",
    });
    expect(graphDateTime(new Date("2026-10-25T02:30:00Z"), "Europe/Paris")).toEqual({
      dateTime: "2026-10-25T03:30:00",
      timeZone: "Romance Standard Time",
    });
    expect(graphDateTime(new Date("2026-10-24T23:00:00Z"), "Europe/Paris")).toEqual({
      dateTime: "2026-10-25T01:00:00",
      timeZone: "Romance Standard Time",
    });
  });

  it("falls back to UTC for a zone Windows has no name for, keeping the instant", () => {
    expect(graphDateTime(new Date("2026-05-01T15:00:00Z"), "America/Ciudad_Juarez")).toEqual({
      dateTime: "2026-05-01T15:00:00",
      timeZone: "UTC",
    });
  });

  it("links back to the formation under the platform's base path", () => {
    expect(formationLink("https://platform.example.test/learning/", formation.id)).toBe(
      `https://platform.example.test/learning/agenda?formation=${formation.id}`,
    );
  });

  it("tags creates and carries their transactionId; updates carry only the fields the product owns", () => {
    const created = formationToGraphEvent(formation, {
      platformUrl: "https://platform.example.test",
      locale: "en",
      transactionId: "tx-1",
    });
    expect(created).toMatchObject({
      transactionId: "tx-1",
      singleValueExtendedProperties: [
        { id: FORMATION_ID_PROPERTY, value: formation.id },
        { id: FORMATION_SESSION_ID_PROPERTY, value: formation.sessionId },
      ],
      location: { displayName: "" },
    });
    expect(created.body?.content).not.toContain("Join online");
    const changes = formationToGraphEventChanges(formation, {
      platformUrl: "https://platform.example.test",
      locale: "fr",
    });
    expect(Object.keys(changes).sort()).toEqual([...PRODUCT_OWNED_FIELDS].sort());
    expect(changes.body?.content).toContain("Voir la formation sur la plateforme");
  });

  it("marks a cancelled formation in the owner's language: prefixed subject, free, no reminder, the reason first", () => {
    const cancelled = { ...formation, title: "Excel (2/3)", cancelled: true, cancellationReason: "Salle <fermée>" };
    const inFrench = formationToGraphEvent(cancelled, { platformUrl: "https://platform.example.test", locale: "fr" });
    expect(inFrench).toMatchObject({ subject: "Annulé : Excel (2/3)", showAs: "free", isReminderOn: false });
    expect(inFrench.body?.content).toMatch(
      /^<html><body><p><strong>Cette formation est annulée\.<\/strong> Motif : Salle &lt;fermée&gt;<\/p>/,
    );
    const inEnglish = formationToGraphEventChanges(cancelled, {
      platformUrl: "https://platform.example.test",
      locale: "en",
    });
    expect(inEnglish).toMatchObject({ subject: "Cancelled: Excel (2/3)", showAs: "free", isReminderOn: false });
    expect(
      formationToGraphEventChanges(formation, { platformUrl: "https://platform.example.test", locale: "en" }),
    ).toMatchObject({ subject: "Excel", showAs: "busy", isReminderOn: true });
  });
});
