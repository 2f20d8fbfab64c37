import { describe, expect, it } from "vitest";
import {
  bodyEditedSinceSync,
  graphBodyOf,
  personalEventToGraphEvent,
  personalEventToGraphEventChanges,
} from "./personal-event-mapping";

describe("graphBodyOf", () => {
  it.each([
    "<p>Ordre du jour</p>",
    "Bonjour,<br>à demain",
    '<a href="https://example.test">le lien</a>',
    "<HTML><BODY>Majuscules</BODY></HTML>",
    '<div class="note">Salle 3</div>',
  ])("sends %j as HTML, keeping its formatting", (body) => {
    expect(graphBodyOf(body)).toEqual({ contentType: "html", content: body });
  });

  it.each(["", "Apporter la carte vitale", "x < y et y > z", "Écrire à <nom>", "a<b", "<3 merci", "<paragraphe>"])(
    "sends %j as text",
    (body) => {
      expect(graphBodyOf(body)).toEqual({ contentType: "text", content: body });
    },
  );
});

describe("writing the body only when it was edited here", () => {
  const row = {
    id: "0b6f0d0e-6a3b-4f57-9d39-1d6f3f0c2a10",
    source: "outlook" as const,
    title: "Revue",
    body: "Ordre du jour",
    outlookBody: "Ordre du jour",
    location: null,
    startsAt: new Date("2026-12-01T09:00:00Z"),
    endsAt: new Date("2026-12-01T10:00:00Z"),
    isAllDay: false,
    startDate: null,
    endDate: null,
    timeZone: "Europe/Paris",
    showAs: "busy" as const,
  };

  it("leaves the body out of an update when it is the one last synced, and sends it when edited", () => {
    expect(personalEventToGraphEventChanges(row)).not.toHaveProperty("body");
    expect(personalEventToGraphEventChanges({ ...row, body: "Ordre du jour modifié" }).body).toEqual({
      contentType: "text",
      content: "Ordre du jour modifié",
    });
  });

  it("always sends the body of a create", () => {
    expect(personalEventToGraphEvent(row, "transaction").body).toEqual({
      contentType: "text",
      content: "Ordre du jour",
    });
  });

  it("takes an unknown last synced body as Outlook's to keep for its events, and as the platform's to write for the platform's", () => {
    expect(bodyEditedSinceSync({ source: "outlook", body: "x", outlookBody: null })).toBe(false);
    expect(bodyEditedSinceSync({ source: "platform", body: "x", outlookBody: null })).toBe(true);
    expect(bodyEditedSinceSync({ source: "platform", body: "x", outlookBody: "x" })).toBe(false);
  });
});
