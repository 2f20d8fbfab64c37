import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { EventForm } from "./event-form";

const values = {
  title: "",
  isAllDay: false,
  start: "2026-11-26T14:00",
  end: "2026-11-26T15:00",
  location: "",
  body: "",
};

describe("EventForm", () => {
  it("sends the event with its times as instants", async () => {
    const onSave = vi.fn();
    render(
      <EventForm
        initialValues={values}
        timeZone="Europe/Paris"
        saving={false}
        saveError={null}
        onSave={onSave}
        onCancel={() => {}}
      />,
    );
    await userEvent.type(screen.getByLabelText("Titre"), "Révision");
    await userEvent.click(screen.getByRole("button", { name: "Enregistrer" }));
    expect(onSave).toHaveBeenCalledWith(
      expect.objectContaining({
        title: "Révision",
        startsAt: "2026-11-26T13:00:00.000Z",
        endsAt: "2026-11-26T14:00:00.000Z",
      }),
    );
  });

  it("says when the end is not after the start, and sends nothing", async () => {
    const onSave = vi.fn();
    render(
      <EventForm
        initialValues={{ ...values, title: "Révision", end: "2026-11-26T13:00" }}
        timeZone="Europe/Paris"
        saving={false}
        saveError={null}
        onSave={onSave}
        onCancel={() => {}}
      />,
    );
    await userEvent.click(screen.getByRole("button", { name: "Enregistrer" }));
    expect(screen.getByRole("alert").textContent).toBe("La fin doit être après le début.");
    expect(screen.getByLabelText("Fin").getAttribute("aria-invalid")).toBe("true");
    expect(onSave).not.toHaveBeenCalled();
  });

  it("switches to dates for an all-day event", async () => {
    render(
      <EventForm
        initialValues={values}
        timeZone="Europe/Paris"
        saving={false}
        saveError={null}
        onSave={() => {}}
        onCancel={() => {}}
      />,
    );
    await userEvent.click(screen.getByLabelText("Toute la journée"));
    expect(screen.getByLabelText("Début").getAttribute("type")).toBe("date");
    expect((screen.getByLabelText("Début") as HTMLInputElement).value).toBe("2026-11-26");
  });
});
