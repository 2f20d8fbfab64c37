import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { CancelledFormationsChoiceGroup } from "./cancelled-formations-section";

describe("CancelledFormationsChoiceGroup", () => {
  it("offers marking or deleting, each saying what participants will see, and is chosen from the keyboard", async () => {
    const onChange = vi.fn();
    render(<CancelledFormationsChoiceGroup value="mark" disabled={false} onChange={onChange} />);

    const group = screen.getByRole("group", {
      name: "Quand une formation est annulée, ses événements dans le calendrier Outlook des participants sont",
    });
    expect(group).toBeTruthy();
    const mark = screen.getByRole("radio", { name: "Conservés et marqués annulés" });
    const remove = screen.getByRole("radio", { name: "Supprimés" });
    expect((mark as HTMLInputElement).checked).toBe(true);
    expect((remove as HTMLInputElement).checked).toBe(false);
    expect(mark.getAttribute("aria-describedby")).toBeTruthy();
    expect(document.getElementById(mark.getAttribute("aria-describedby") ?? "")?.textContent).toContain(
      "« Annulé : … »",
    );
    expect(document.getElementById(remove.getAttribute("aria-describedby") ?? "")?.textContent).toContain(
      "disparaissent du calendrier Outlook",
    );

    await userEvent.tab();
    expect(document.activeElement).toBe(mark);
    await userEvent.keyboard("{ArrowDown}");
    expect(onChange).toHaveBeenCalledWith("delete");
  });

  it("cannot be changed while a change is being saved", () => {
    render(<CancelledFormationsChoiceGroup value="delete" disabled onChange={() => {}} />);
    expect((screen.getByRole("radio", { name: "Supprimés" }) as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByRole("radio", { name: "Supprimés" }) as HTMLInputElement).checked).toBe(true);
  });
});
