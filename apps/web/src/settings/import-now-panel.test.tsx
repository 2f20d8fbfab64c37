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
  importRun: null,
};

/** A server stand-in that queues every import and answers with the run to follow, as the API does. */
const queuesImports: TRPCLink<AppRouter> = () => () =>
  observable((observer) => {
    observer.next({ result: { type: "data", data: { integrationId: syncingOnItsOwn.integrationId, runId: "run-1" } } });
    observer.complete();
  });

function panel(link: TRPCLink<AppRouter>, status: SyncStatus | undefined) {
  const queryClient = new QueryClient({ defaultOptions: { mutations: { retry: false } } });
  return (
    <trpc.Provider client={trpc.createClient({ links: [link] })} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <LiveSyncStatusContext.Provider value={{ status, connected: status !== undefined }}>
          <ImportNowPanel />
        </LiveSyncStatusContext.Provider>
      </QueryClientProvider>
    </trpc.Provider>
  );
}

function renderPanel(status?: SyncStatus) {
  return render(panel(microsoftUnreachable, status));
}

/** Ana's status as the stream carries it while her import `run-1` runs, then once it has ended. */
const importing = (importRun: Partial<NonNullable<SyncStatus["importRun"]>>): SyncStatus => ({
  ...syncingOnItsOwn,
  importRun: {
    id: "run-1",
    status: "running",
    pages: 0,
    created: 0,
    updated: 0,
    deleted: 0,
    error: null,
    ...importRun,
  },
});

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

  it("shows the queued import's counts as they grow page by page, then what it changed", async () => {
    // The person's previous import, ended before they click: the panel follows the run the API answers with.
    const before = importing({ id: "run-0", status: "succeeded", pages: 1, created: 2 });
    const view = render(panel(queuesImports, before));
    await userEvent.click(screen.getByRole("button", { name: "Importer les événements" }));
    const status = () => screen.getByTestId("import-now-status").textContent;
    expect(await screen.findByText("Importation demandée : elle commence dès qu'Outlook est libre…")).toBeTruthy();

    view.rerender(panel(queuesImports, importing({ pages: 1, created: 5 })));
    expect(status()).toBe("Importation en cours : 1 page(s) lue(s), 5 créés, 0 mis à jour, 0 supprimés…");
    expect(screen.getByRole("progressbar", { name: "Importation des événements Outlook en cours…" })).toBeTruthy();
    view.rerender(panel(queuesImports, importing({ pages: 3, created: 14, updated: 1 })));
    expect(status()).toBe("Importation en cours : 3 page(s) lue(s), 14 créés, 1 mis à jour, 0 supprimés…");

    view.rerender(
      panel(queuesImports, {
        ...importing({ status: "succeeded", pages: 5, created: 23, updated: 1, deleted: 2 }),
        state: "idle",
      }),
    );
    expect(status()).toBe("Importation terminée : 23 créés, 1 mis à jour, 2 supprimés.");
    expect(screen.queryByRole("progressbar")).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("says in words why the import failed when Outlook refused it", async () => {
    const view = render(panel(queuesImports, undefined));
    await userEvent.click(screen.getByRole("button", { name: "Importer les événements" }));
    await screen.findByText("Importation demandée : elle commence dès qu'Outlook est libre…");
    view.rerender(
      panel(queuesImports, {
        ...importing({ status: "failed", pages: 0, error: "OUTLOOK_REQUEST_REFUSED" }),
        state: "error",
      }),
    );
    expect((await screen.findByRole("alert")).textContent).toBe(
      "L'importation a échoué : Outlook a refusé la lecture du calendrier. Vérifiez que le compte Microsoft y a toujours accès, puis réessayez.",
    );
    expect((screen.getByRole("button", { name: "Importer les événements" }) as HTMLButtonElement).disabled).toBe(false);
  });
});
