import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { SyncStatus } from "../api/trpc";
import { LiveSyncStatusContext } from "../api/use-sync-status";
import { i18n } from "../i18n/i18n";
import { outlookIntegration } from "../test-support/fixtures";
import { OutlookStatus } from "./outlook-status";

function liveStatus(overrides: Partial<SyncStatus> = {}): SyncStatus {
  return {
    state: "idle",
    integrationId: "0c1d2e3f-0000-4000-8000-000000000002",
    accountEmail: "lea.martin@formation.demo",
    reason: null,
    lastSyncAt: "2026-11-24T10:05:00.000Z",
    lastSyncResult: { ok: true, created: 3, updated: 1, deleted: 0 },
    mode: "polling",
    unreviewedConflicts: 0,
    importRun: null,
    ...overrides,
  };
}

/** The status card as the settings page shows it, fed the given live status. */
function renderLive(
  status: SyncStatus,
  options: { connected?: boolean; integration?: ReturnType<typeof outlookIntegration> | null } = {},
) {
  const integration = options.integration === undefined ? outlookIntegration() : options.integration;
  const view = (next: SyncStatus) => (
    <LiveSyncStatusContext.Provider value={{ status: next, connected: options.connected ?? true }}>
      <OutlookStatus integration={integration} timeZone="Europe/Paris" />
    </LiveSyncStatusContext.Provider>
  );
  const { rerender } = render(view(status));
  return { update: (next: SyncStatus) => rerender(view(next)) };
}

describe("OutlookStatus", () => {
  it("says Outlook is not connected when there is no integration", () => {
    render(<OutlookStatus integration={null} timeZone="Europe/Paris" />);
    expect(screen.getByTestId("outlook-status").textContent).toBe("Non connecté");
    expect(screen.queryByText("Compte")).toBeNull();
  });

  it("shows the account and the last sync of an active connection", () => {
    render(
      <OutlookStatus
        integration={outlookIntegration({ lastSyncAt: "2026-11-24T10:05:00.000Z" })}
        timeZone="Europe/Paris"
      />,
    );
    expect(screen.getByTestId("outlook-status").textContent).toBe("Connecté");
    expect(screen.getByText("Léa Martin <lea.martin@formation.demo>")).toBeTruthy();
    expect(screen.getByText(/24 nov\. 2026,\s11:05/)).toBeTruthy();
  });

  it("tells the person that an administrator disconnected their Outlook, and why", () => {
    renderLive(
      liveStatus({ state: "not_connected", integrationId: null, accountEmail: null, reason: "Compte partagé" }),
      { integration: null },
    );
    expect(screen.getByTestId("outlook-status").textContent).toBe("Non connecté");
    expect(screen.getByTestId("outlook-disconnected-by-admin").textContent).toBe(
      "Votre administrateur a déconnecté Outlook : Compte partagé",
    );
  });

  it("says why a connection needs reconnecting", () => {
    render(
      <OutlookStatus
        integration={outlookIntegration({
          status: "needs_reauth",
          statusReason: "AADSTS700082: refresh token expired",
        })}
        timeZone="Europe/Paris"
      />,
    );
    expect(screen.getByTestId("outlook-status").textContent).toBe("Reconnexion nécessaire");
    expect(screen.getByText("Raison : AADSTS700082: refresh token expired")).toBeTruthy();
  });
});

describe("OutlookStatus, live", () => {
  it("follows a sync as it runs, then shows when it ended and what it changed", () => {
    const { update } = renderLive(liveStatus({ lastSyncAt: null, lastSyncResult: null }));
    expect(screen.getByTestId("outlook-status").textContent).toBe("Connecté");
    expect(screen.getByTestId("outlook-last-sync").textContent).toBe("Jamais");
    update(liveStatus({ state: "syncing", lastSyncAt: null, lastSyncResult: null }));
    expect(screen.getByTestId("outlook-status").textContent).toBe("Synchronisation en cours…");
    update(liveStatus());
    expect(screen.getByTestId("outlook-status").textContent).toBe("Connecté");
    expect(screen.getByTestId("outlook-last-sync").textContent).toMatch(
      /^24 nov\. 2026,\s11:05 \(3 créés, 1 mis à jour, 0 supprimés\)$/,
    );
  });

  it("says why it fails, and when Outlook needs the person to reconnect, even before the integration list knows", () => {
    const { update } = renderLive(
      liveStatus({
        state: "error",
        reason: "OUTLOOK_UNAVAILABLE",
        lastSyncResult: { ok: false, created: 0, updated: 0, deleted: 0, error: "OUTLOOK_UNAVAILABLE" },
      }),
    );
    expect(screen.getByTestId("outlook-status").textContent).toBe("En erreur");
    expect(screen.getByText("Raison : OUTLOOK_UNAVAILABLE")).toBeTruthy();
    expect(screen.getByTestId("outlook-last-sync").textContent).toMatch(/\(échouée\)$/);
    update(liveStatus({ state: "needs_reauth", reason: "AADSTS50173: grant revoked" }));
    expect(screen.getByTestId("outlook-status").textContent).toBe("Reconnexion nécessaire");
    expect(screen.getByText("Raison : AADSTS50173: grant revoked")).toBeTruthy();
  });

  it("says how Outlook's changes reach the agenda", () => {
    const { update } = renderLive(liveStatus({ mode: "notifications" }));
    expect(screen.getByTestId("outlook-mode").textContent).toBe(
      "Synchronisation en temps réel : Outlook prévient l'agenda de chaque changement",
    );
    update(liveStatus({ mode: "polling" }));
    expect(screen.getByTestId("outlook-mode").textContent).toBe(
      "Vérification des changements Outlook toutes les quelques minutes",
    );
    update(liveStatus({ mode: null }));
    expect(screen.getByTestId("outlook-mode").textContent).toBe("Synchronisation automatique désactivée");
  });

  it("counts the conflicts to review, and says when the live status is not live", () => {
    renderLive(liveStatus({ unreviewedConflicts: 2 }), { connected: false });
    expect(screen.getByText("2 conflits à examiner")).toBeTruthy();
    expect(screen.getByRole("status").textContent).toBe("Connexion au suivi en direct perdue : nouvelle tentative…");
  });

  it("shows a connection made in another tab before the integration list has it, and a disconnection", () => {
    const { update } = renderLive(liveStatus(), { integration: null });
    expect(screen.getByTestId("outlook-status").textContent).toBe("Connecté");
    expect(screen.getByText("lea.martin@formation.demo")).toBeTruthy();
    update(
      liveStatus({
        state: "not_connected",
        integrationId: null,
        accountEmail: null,
        lastSyncAt: null,
        lastSyncResult: null,
        mode: null,
      }),
    );
    expect(screen.getByTestId("outlook-status").textContent).toBe("Non connecté");
    expect(screen.queryByTestId("outlook-last-sync")).toBeNull();
  });

  it("speaks English when the interface does", async () => {
    await i18n.changeLanguage("en");
    renderLive(liveStatus({ state: "syncing", mode: "notifications" }));
    expect(screen.getByTestId("outlook-status").textContent).toBe("Syncing…");
    expect(screen.getByTestId("outlook-mode").textContent).toBe(
      "Real-time sync: Outlook tells the agenda about every change",
    );
    expect(screen.getByTestId("outlook-last-sync").textContent).toMatch(/\(3 created, 1 updated, 0 deleted\)$/);
  });
});
