import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { OfficeStart } from "../office/office-adapter";
import { OfficeGate } from "./office-gate";

const gate = (outcome: OfficeStart) =>
  render(<OfficeGate start={() => Promise.resolve(outcome)}>{() => <p>taskpane</p>}</OfficeGate>);

describe("OfficeGate", () => {
  it("says the pane belongs in Outlook when office.js runs outside Office", async () => {
    gate({ kind: "outside-office" });
    expect((await screen.findByRole("alert")).textContent).toContain("ouvrez-le depuis Outlook");
    expect(screen.queryByText("taskpane")).toBeNull();
  });

  it("says Outlook did not answer, with a way to try again", async () => {
    gate({ kind: "no-answer" });
    expect((await screen.findByRole("alert")).textContent).toContain("Outlook n'a pas répondu");
    expect(screen.getByRole("button", { name: "Réessayer" })).toBeTruthy();
  });
});
