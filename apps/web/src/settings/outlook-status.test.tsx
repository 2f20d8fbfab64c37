import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { outlookIntegration } from "../test-support/fixtures";
import { OutlookStatus } from "./outlook-status";

describe("OutlookStatus", () => {
  it("says Outlook is not connected when there is no integration", () => {
    render(<OutlookStatus integration={null} timeZone="Europe/Paris" />);
    expect(screen.getByTestId("outlook-status").textContent).toBe("Non connecté");
    expect(screen.queryByText("Compte")).toBeNull();
  });

  it("shows the account and the last sync of an active connection", () => {
    render(<OutlookStatus integration={outlookIntegration({ lastSyncAt: "2026-11-24T10:05:00.000Z" })} timeZone="Europe/Paris" />);
    expect(screen.getByTestId("outlook-status").textContent).toBe("Connecté");
    expect(screen.getByText("Léa Martin <lea.martin@formation.demo>")).toBeTruthy();
    expect(screen.getByText(/24 nov\. 2026,\s11:05/)).toBeTruthy();
  });

  it("says why a connection needs reconnecting", () => {
    render(<OutlookStatus integration={outlookIntegration({ status: "needs_reauth", statusReason: "AADSTS700082: refresh token expired" })} timeZone="Europe/Paris" />);
    expect(screen.getByTestId("outlook-status").textContent).toBe("Reconnexion nécessaire");
    expect(screen.getByText("Raison : AADSTS700082: refresh token expired")).toBeTruthy();
  });
});
