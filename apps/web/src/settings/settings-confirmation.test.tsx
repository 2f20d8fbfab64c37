import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { outlookIntegration } from "../test-support/fixtures";
import { confirmationFor } from "./settings-confirmation";
import { SettingsConfirmationDialog } from "./settings-confirmation-dialog";

const integration = outlookIntegration({
  settings: {
    importEnabled: true,
    exportEnabled: true,
    autoSyncEnabled: true,
    importCalendarIds: ["cal-main", "cal-projets"],
    exportCalendarId: null,
  },
  importedEventCounts: { "cal-main": 2, "cal-projets": 3 },
});

describe("confirmationFor", () => {
  it("asks before unticking a calendar, with the count of its events in the agenda", () => {
    const change = { importCalendarIds: ["cal-main"] };
    expect(confirmationFor(integration, change, "cal-main")).toEqual({ kind: "removeImported", change, count: 3 });
  });

  it("counts the default calendar as imported when no calendar is ticked", () => {
    const onlyDefault = outlookIntegration({ importedEventCounts: { "cal-main": 4 } });
    const change = { importCalendarIds: ["cal-projets"] };
    expect(confirmationFor(onlyDefault, change, "cal-main")).toMatchObject({ kind: "removeImported", count: 4 });
    expect(confirmationFor(onlyDefault, { importCalendarIds: [] }, "cal-main")).toBeNull();
  });

  it("asks before turning import off, counting every imported event", () => {
    expect(confirmationFor(integration, { importEnabled: false }, "cal-main")).toMatchObject({ count: 5 });
  });

  it("saves at once a change that takes nothing out", () => {
    expect(
      confirmationFor(integration, { importCalendarIds: ["cal-main", "cal-projets", "cal-x"] }, "cal-main"),
    ).toBeNull();
    expect(confirmationFor(integration, { autoSyncEnabled: false }, "cal-main")).toBeNull();
    expect(confirmationFor(integration, { exportCalendarId: "cal-projets" }, "cal-main")).toBeNull();
  });

  it("asks what becomes of the copies when export is turned off", () => {
    expect(confirmationFor(integration, { exportEnabled: false }, "cal-main")).toEqual({
      kind: "disableExport",
      change: { exportEnabled: false },
    });
  });
});

describe("SettingsConfirmationDialog", () => {
  it("confirms the removal with its count, or cancels", async () => {
    const onConfirm = vi.fn();
    const onClose = vi.fn();
    const change = { importCalendarIds: ["cal-main"] };
    render(
      <SettingsConfirmationDialog
        confirmation={{ kind: "removeImported", change, count: 3 }}
        onConfirm={onConfirm}
        onClose={onClose}
      />,
    );
    expect(screen.getByText(/3 événements importés d'Outlook quitteront votre agenda/)).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Annuler" }));
    expect(onClose).toHaveBeenCalled();
    await userEvent.click(screen.getByRole("button", { name: "Retirer 3 événements" }));
    expect(onConfirm).toHaveBeenCalledWith(change);
  });

  it("turns export off keeping the copies, or removing them", async () => {
    const onConfirm = vi.fn();
    render(
      <SettingsConfirmationDialog
        confirmation={{ kind: "disableExport", change: { exportEnabled: false } }}
        onConfirm={onConfirm}
        onClose={() => {}}
      />,
    );
    await userEvent.click(screen.getByRole("button", { name: "Les garder dans Outlook" }));
    expect(onConfirm).toHaveBeenLastCalledWith({ exportEnabled: false, removeExportedCopies: false });
    await userEvent.click(screen.getByRole("button", { name: "Les supprimer d'Outlook" }));
    expect(onConfirm).toHaveBeenLastCalledWith({ exportEnabled: false, removeExportedCopies: true });
  });
});
