import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { i18n } from "../i18n/i18n";
import { syncConflict } from "../test-support/fixtures";
import { ConflictDetails } from "./conflict-details";

const plain = (text: string | null) => (text ?? "").replace(/\s/g, " ");

describe("ConflictDetails", () => {
  it("says what collided, which side won, and shows both versions side by side in the person's zone", () => {
    render(<ConflictDetails conflict={syncConflict()} timeZone="Europe/Paris" />);
    expect(
      screen.getByText("Cet événement a été modifié dans l'agenda et dans Outlook entre deux synchronisations."),
    ).toBeTruthy();
    expect(screen.getByText("Version gardée : celle d'Outlook.")).toBeTruthy();
    const table = screen.getByRole("table", { name: "Les deux versions de « Révision »" });
    const [header, title, when, place] = within(table).getAllByRole("row");
    expect(plain(header?.textContent ?? "")).toBe("ChampDans l'agendaDans Outlook (gardée)");
    expect(
      within(title as HTMLElement)
        .getAllByRole("cell")
        .map((cell) => cell.textContent),
    ).toEqual(["Révision", "Révision du chapitre 3"]);
    expect(
      within(when as HTMLElement)
        .getAllByRole("cell")
        .map((cell) => plain(cell.textContent)),
    ).toEqual(["jeudi 26 novembre 2026, 14:00 – 15:30", "jeudi 26 novembre 2026, 16:00 – 17:00"]);
    expect(
      within(place as HTMLElement)
        .getAllByRole("cell")
        .map((cell) => cell.textContent),
    ).toEqual(["Salle 2", "Aucun"]);
  });

  it("shows a side that deleted the event as deleted, in English when asked", async () => {
    await i18n.changeLanguage("en");
    const conflict = syncConflict({
      kind: "removed_in_outlook_edited_here",
      winner: "platform",
      outlookVersion: {
        title: "Révision",
        location: null,
        startsAt: "2026-11-26T13:00:00.000Z",
        endsAt: "2026-11-26T14:30:00.000Z",
        isAllDay: false,
        modifiedAt: null,
        deleted: true,
      },
    });
    render(<ConflictDetails conflict={conflict} timeZone="America/New_York" />);
    expect(screen.getByText("Version kept: the agenda's.")).toBeTruthy();
    const title = screen.getByRole("row", { name: /^Title/ });
    expect(
      within(title)
        .getAllByRole("cell")
        .map((cell) => cell.textContent),
    ).toEqual(["Révision", "Deleted"]);
    expect(plain(screen.getByRole("row", { name: /^When/ }).textContent)).toContain("8:00 – 9:30 AM");
  });
});
