import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { CancelledFormationsChoiceGroup } from "./cancelled-formations-section";

describe("CancelledFormationsChoiceGroup", () => {
  it("offers marking or deleting, each saying what participants will see, and is chosen from the keyboard", async () => {
    const onChange = vi.fn();
    render(<CancelledFormationsChoiceGroup value="mark" saving={false} onChange={onChange} />);

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

  it("keeps the choice being saved, and focus where it is, until the change is saved", async () => {
    const onChange = vi.fn();
    render(<CancelledFormationsChoiceGroup value="delete" saving onChange={onChange} />);
    const remove = screen.getByRole("radio", { name: "Supprimés" }) as HTMLInputElement;
    expect(remove.checked).toBe(true);
    await userEvent.click(screen.getByRole("radio", { name: "Conservés et marqués annulés" }));
    expect(onChange).not.toHaveBeenCalled();
    expect(remove.checked).toBe(true);
    expect(screen.getByRole("group").getAttribute("aria-busy")).toBe("true");
  });
});
