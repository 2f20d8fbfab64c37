import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { syncConflict } from "../test-support/fixtures";
import { ConflictList } from "./conflicts-to-review";

describe("ConflictList", () => {
  it("offers to keep the version the sync set aside next to mark as seen, where it can be taken back", async () => {
    const onKeepOther = vi.fn();
    const outlookWon = syncConflict({ id: "c-1", title: "Révision", winner: "outlook" });
    const platformWon = syncConflict({ id: "c-2", title: "Examen", winner: "platform" });
    const formationEdited = syncConflict({ id: "c-3", title: "Excel", kind: "formation_changed_in_outlook" });
    const alreadyResolved = syncConflict({ id: "c-4", title: "Oral", resolvedWith: "platform" });
    render(
      <ConflictList
        conflicts={[outlookWon, platformWon, formationEdited, alreadyResolved]}
        timeZone="Europe/Paris"
        reviewingId={null}
        onReview={() => {}}
        onKeepOther={onKeepOther}
      />,
    );
    await userEvent.click(screen.getByRole("button", { name: "Garder plutôt la version de l'agenda : Révision" }));
    expect(onKeepOther).toHaveBeenLastCalledWith(outlookWon);
    await userEvent.click(screen.getByRole("button", { name: "Garder plutôt la version d'Outlook : Examen" }));
    expect(onKeepOther).toHaveBeenLastCalledWith(platformWon);
    expect(screen.getAllByRole("button", { name: /Marquer comme vu/ })).toHaveLength(4);
    expect(screen.getAllByRole("button", { name: /Garder plutôt/ })).toHaveLength(2);
  });
});
