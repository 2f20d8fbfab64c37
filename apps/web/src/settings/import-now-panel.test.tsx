import type { AppRouter } from "@agenda/api";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { trpc, type SyncStatus } from "../api/trpc";
import { LiveSyncStatusContext } from "../api/use-sync-status";
import { ImportNowPanel } from "./import-now-panel";

/** What the API answers `sync.importNow` when Microsoft is out of reach: its own message, in the person's language. */
const UNREACHABLE = {
  message:
    "Microsoft est injoignable depuis Agenda (connexion refusée, nom introuvable, erreur TLS ou délai dépassé) : vérifiez la connexion réseau du serveur, son proxy s'il en a un et l'état des services Microsoft (https://status.cloud.microsoft), puis réessayez.",
  code: -32603,
  data: { code: "SERVICE_UNAVAILABLE", httpStatus: 503, appCode: "OUTLOOK_UNREACHABLE" },
};

/** A server stand-in whose every import fails as the API does when Microsoft cannot be reached. */
const microsoftUnreachable: TRPCLink<AppRouter> = () => () =>
  observable((observer) => {
    observer.error(TRPCClientError.from({ error: UNREACHABLE }));
  });

/** A sync the person did not ask for (a notification's import) running as the panel shows. */
const syncingOnItsOwn: SyncStatus = {
  state: "syncing",
  integrationId: "0c1d2e3f-0000-4000-8000-000000000002",
  accountEmail: "lea.martin@formation.demo",
  reason: null,
  lastSyncAt: null,
  lastSyncResult: null,
  mode: "notifications",
  unreviewedConflicts: 0,
};

function renderPanel(status?: SyncStatus) {
  const queryClient = new QueryClient({ defaultOptions: { mutations: { retry: false } } });
  return render(
    <trpc.Provider client={trpc.createClient({ links: [microsoftUnreachable] })} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <LiveSyncStatusContext.Provider value={{ status, connected: status !== undefined }}>
          <ImportNowPanel />
        </LiveSyncStatusContext.Provider>
      </QueryClientProvider>
    </trpc.Provider>,
  );
}

describe("ImportNowPanel", () => {
  it("shows what the API said when Microsoft is out of reach, and lets the person try again", async () => {
    renderPanel();
    const button = screen.getByRole("button", { name: "Importer les événements" });
    await userEvent.click(button);
    expect((await screen.findByRole("alert")).textContent).toBe(UNREACHABLE.message);
    expect((button as HTMLButtonElement).disabled).toBe(false);
  });

  it("shows a sync that started on its own, and still takes the person's click", async () => {
    renderPanel(syncingOnItsOwn);
    expect(screen.getByRole("progressbar", { name: "Une synchronisation avec Outlook est en cours…" })).toBeTruthy();
    const button = screen.getByRole("button", { name: "Importer les événements" });
    expect((button as HTMLButtonElement).disabled).toBe(false);
    await userEvent.click(button);
    expect((await screen.findByRole("alert")).textContent).toBe(UNREACHABLE.message);
  });
});
