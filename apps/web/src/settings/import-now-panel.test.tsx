import type { AppRouter } from "@agenda/api";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { trpc } from "../api/trpc";
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

function renderPanel() {
  const queryClient = new QueryClient({ defaultOptions: { mutations: { retry: false } } });
  return render(
    <trpc.Provider client={trpc.createClient({ links: [microsoftUnreachable] })} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <ImportNowPanel />
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
});
