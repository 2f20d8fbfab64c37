import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { DisconnectOutlookDialog } from "./disconnect-outlook-dialog";

describe("DisconnectOutlookDialog", () => {
  it("keeps the exported formations unless asked to remove them", async () => {
    const onConfirm = vi.fn();
    render(
      <DisconnectOutlookDialog open disconnecting={false} error={null} onConfirm={onConfirm} onClose={() => {}} />,
    );
    await userEvent.click(screen.getByRole("button", { name: "Déconnecter Outlook" }));
    expect(onConfirm).toHaveBeenLastCalledWith({ removeExportedFormations: false });

    await userEvent.click(screen.getByLabelText("Supprimer aussi d'Outlook les formations que l'agenda y a exportées"));
    await userEvent.click(screen.getByRole("button", { name: "Déconnecter Outlook" }));
    expect(onConfirm).toHaveBeenLastCalledWith({ removeExportedFormations: true });
  });
});
