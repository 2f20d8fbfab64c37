import type { AppRouter } from "@agenda/api";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { TRPCClientError, type OperationResultEnvelope, type TRPCLink } from "@trpc/client";
import { observable, type Observer } from "@trpc/server/observable";
import { act, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { storeSessionToken } from "../session/session-store";
import { SyncStatusProvider } from "./sync-status-provider";
import { trpc, type SyncStatus } from "./trpc";
import { useSyncStatus } from "./use-sync-status";

const idle: SyncStatus = {
  state: "idle",
  integrationId: "0c1d2e3f-0000-4000-8000-000000000002",
  accountEmail: "lea.martin@formation.demo",
  reason: null,
  lastSyncAt: null,
  lastSyncResult: null,
  mode: "polling",
  unreviewedConflicts: 0,
  importRun: null,
};

/** A server stand-in: the status stream is driven by the test, and `events.list` queries are counted. */
function fakeServer() {
  const server = {
    streams: [] as Array<
      Observer<OperationResultEnvelope<unknown, TRPCClientError<AppRouter>>, TRPCClientError<AppRouter>>
    >,
    eventLists: 0,
  };
  const link: TRPCLink<AppRouter> =
    () =>
    ({ op }) =>
      observable((observer) => {
        if (op.type === "subscription") {
          server.streams.push(observer);
          observer.next({ result: { type: "started" } });
          return;
        }
        if (op.path === "events.list") server.eventLists++;
        observer.next({ result: { type: "data", data: [] } });
        observer.complete();
      });
  const send = (status: SyncStatus) =>
    act(async () => {
      server.streams.at(-1)?.next({ result: { type: "data", data: status } });
    });
  return { server, link, send };
}

function LiveState() {
  const { status, connected } = useSyncStatus();
  trpc.events.list.useQuery({ from: "2026-11-01T00:00:00.000Z", to: "2026-12-01T00:00:00.000Z" });
  return <p data-testid="live">{`${status?.state ?? "none"} ${connected ? "live" : "not live"}`}</p>;
}

function renderWithServer(link: TRPCLink<AppRouter>) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const client = trpc.createClient({ links: [link] });
  return render(
    <trpc.Provider client={client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <SyncStatusProvider>
          <LiveState />
          <LiveState />
        </SyncStatusProvider>
      </QueryClientProvider>
    </trpc.Provider>,
  );
}

/** What the two components showing the status say, which is the same. */
const live = () => [...new Set(screen.getAllByTestId("live").map((element) => element.textContent))].join(" / ");

describe("SyncStatusProvider", () => {
  it("opens no stream for someone signed out", () => {
    const { server, link } = fakeServer();
    renderWithServer(link);
    expect(server.streams).toHaveLength(0);
    expect(live()).toBe("none not live");
  });

  it("shares one stream, and reloads the agenda when a sync ended, not when one starts", async () => {
    storeSessionToken("token-of-lea");
    const { server, link, send } = fakeServer();
    renderWithServer(link);
    expect(server.streams).toHaveLength(1);
    await send(idle);
    expect(live()).toBe("idle live");
    const loaded = server.eventLists;
    expect(loaded).toBe(1);

    await send({ ...idle, state: "syncing" });
    expect(live()).toBe("syncing live");
    expect(server.eventLists).toBe(loaded);

    await send({
      ...idle,
      lastSyncAt: "2026-11-24T10:05:00.000Z",
      lastSyncResult: { ok: true, created: 1, updated: 0, deleted: 0 },
      eventsChanged: { created: 1, updated: 0, deleted: 0, failed: 0 },
    });
    expect(live()).toBe("idle live");
    await waitFor(() => expect(server.eventLists).toBe(loaded + 1));
  });

  it("leaves the agenda as it is after a sync that changed no event, and reads it again when the stream says one did", async () => {
    storeSessionToken("token-of-lea");
    const { server, link, send } = fakeServer();
    renderWithServer(link);
    await send(idle);
    const loaded = server.eventLists;
    await send({ ...idle, state: "syncing" });
    await send({
      ...idle,
      lastSyncAt: "2026-11-24T10:05:00.000Z",
      lastSyncResult: { ok: true, created: 0, updated: 0, deleted: 0 },
    });
    expect(live()).toBe("idle live");
    // The export that followed an import wrote nothing; the import before it created an event (both ended between two reads).
    await send({
      ...idle,
      lastSyncAt: "2026-11-24T10:10:00.000Z",
      lastSyncResult: { ok: true, created: 0, updated: 0, deleted: 0 },
      eventsChanged: { created: 1, updated: 0, deleted: 0, failed: 0 },
    });
    await waitFor(() => expect(server.eventLists).toBe(loaded + 1));
    await send({ ...idle, state: "syncing", lastSyncAt: "2026-11-24T10:10:00.000Z" });
    await send({
      ...idle,
      lastSyncAt: "2026-11-24T10:15:00.000Z",
      lastSyncResult: { ok: true, created: 0, updated: 0, deleted: 0 },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.eventLists).toBe(loaded + 1);
  });

  it("signs out when the stream is refused for a bad session, and closes the stream", async () => {
    storeSessionToken("expired-token");
    const { server, link } = fakeServer();
    renderWithServer(link);
    const refused = TRPCClientError.from({
      error: {
        message: "Session expirée",
        code: -32001,
        data: { code: "UNAUTHORIZED", httpStatus: 401, appCode: "TOKEN_INVALID" },
      },
    });
    await act(async () => {
      server.streams[0]?.error(refused);
    });
    expect(localStorage.getItem("agenda.session-token")).toBeNull();
    expect(live()).toBe("none not live");
  });
});
