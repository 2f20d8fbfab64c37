import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { syncFormation } from "../test-support/fixtures";
import { FormationsTable } from "./formations-in-outlook";

describe("FormationsTable", () => {
  const formations = [
    syncFormation({ formationId: "f1", title: "Excel avancé", outlookState: "not_exported" }),
    syncFormation({ formationId: "f2", title: "Management", outlookState: "removed_in_outlook" }),
    syncFormation({ formationId: "f3", title: "RGPD", outlookState: "in_outlook", outlookEventId: "AAMk=" }),
    syncFormation({
      formationId: "f4",
      title: "Python",
      outlookState: "error",
      syncError: "Outlook a refusé la formation",
    }),
  ];

  it("says where each formation stands in Outlook and offers what fits", async () => {
    const onExport = vi.fn();
    render(<FormationsTable formations={formations} timeZone="Europe/Paris" exportingId={null} onExport={onExport} />);
    const row = (title: string) => screen.getByRole("row", { name: new RegExp(`^${title}`) });

    expect(within(row("Excel avancé")).getByText("Pas encore dans Outlook")).toBeTruthy();
    expect(within(row("Management")).getByText("Supprimée par vous dans Outlook")).toBeTruthy();
    expect(row("Python").textContent).toContain("Erreur – Outlook a refusé la formation");
    expect(within(row("RGPD")).getByRole("link", { name: "Ouvrir dans Outlook : RGPD" }).getAttribute("href")).toBe(
      "https://outlook.office.com/calendar/item/AAMk%3D",
    );
    expect(within(row("RGPD")).queryByRole("button")).toBeNull();
    expect(row("Excel avancé").textContent).toMatch(/vendredi 27 novembre 2026, 10:00\s–\s14:00/);

    await userEvent.click(screen.getByRole("button", { name: "Ajouter à nouveau : Management" }));
    expect(onExport).toHaveBeenLastCalledWith(formations[1]);
    await userEvent.click(screen.getByRole("button", { name: "Exporter vers Outlook : Excel avancé" }));
    expect(onExport).toHaveBeenLastCalledWith(formations[0]);
  });

  it("waits for one export before the next", () => {
    render(<FormationsTable formations={formations} timeZone="Europe/Paris" exportingId="f1" onExport={() => {}} />);
    expect(screen.getAllByRole("button").every((button) => (button as HTMLButtonElement).disabled)).toBe(true);
  });
});
