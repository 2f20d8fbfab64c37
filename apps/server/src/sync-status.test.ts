import type { AddressInfo } from "node:net";
import { createAuthenticator, signSessionToken, type AppRouter } from "@agenda/api";
import { calendarIntegrations } from "@agenda/db/schema";
import type { User } from "@agenda/domain/users";
import { IntegrationStatusFeed, type IntegrationStatus } from "@agenda/sync/integration-status";
import type { OutlookServices } from "@agenda/sync/outlook-services";
import { SyncEngine } from "@agenda/sync/sync-engine";
import { connectTestUser, testOutlookServices } from "@agenda/sync/testing/connect";
import { useTestDatabase } from "@agenda/testing/database";
import { sandboxAdmin, useSandbox } from "@agenda/testing/sandbox";
import { serve, type ServerType } from "@hono/node-server";
import { createTRPCClient, httpLink, httpSubscriptionLink, TRPCClientError } from "@trpc/client";
import { eq } from "drizzle-orm";
import { EventSource } from "eventsource";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "./app";

const database = useTestDatabase();
const sandbox = useSandbox([{ userPrincipalName: "ana@contoso.test" }, { userPrincipalName: "ben@contoso.test" }]);
const SECRET = "sync-status-test-secret-long-enough-for-hs256";

let server: ServerType;
let origin: string;
let services: OutlookServices;
let feed: IntegrationStatusFeed;
const people: Record<"ana" | "ben", { user: User; token: string; integrationId: string }> = {} as never;

beforeAll(async () => {
  const { db } = database();
  services = testOutlookServices(db, sandbox());
  feed = new IntegrationStatusFeed(db);
  await feed.start();
  const app = createApp({ db, authenticator: createAuthenticator({ secret: SECRET }), demo: null, outlook: services, sync: new SyncEngine(services, "https://platform.example.test"), statusFeed: feed });
  server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const name of ["ana", "ben"] as const) {
    const { user, integration } = await connectTestUser(services, { name, mailbox: `${name}@contoso.test` });
    people[name] = { user, token: await signSessionToken(SECRET, user), integrationId: integration.id };
  }
});
afterAll(async () => {
  server?.close();
  await feed?.stop();
});

/** `sync.onStatus` as the web app opens it: SSE through httpSubscriptionLink, the token as a connection param. */
function watchStatus(token: string | null) {
  const client = createTRPCClient<AppRouter>({
    links: [httpSubscriptionLink({ url: `${origin}/trpc`, EventSource, connectionParams: token === null ? undefined : { token } })],
  });
  const received: IntegrationStatus[] = [];
  const waiting: Array<(status: IntegrationStatus) => void> = [];
  let failed: (error: unknown) => void = () => undefined;
  const failure = new Promise<unknown>((resolve) => (failed = resolve));
  const subscription = client.sync.onStatus.subscribe(undefined, {
    onData: (status) => {
      const waiter = waiting.shift();
      if (waiter) waiter(status);
      else received.push(status);
    },
    onError: (error) => failed(error),
  });
  return {
    /** The next status streamed, in order. */
    next: () => new Promise<IntegrationStatus>((resolve) => (received.length ? resolve(received.shift() as IntegrationStatus) : waiting.push(resolve))),
    failure,
    close: () => subscription.unsubscribe(),
  };
}

function api(token: string) {
  return createTRPCClient<AppRouter>({ links: [httpLink({ url: `${origin}/trpc`, headers: { authorization: `Bearer ${token}` } })] });
}

/**
 * Holds a row lock on the integration, one that still lets a run start (its sync_runs row only needs the key): the
 * run then stays running, its token refresh or its end waiting, until released.
 */
async function holdIntegration(integrationId: string): Promise<() => Promise<void>> {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked: () => void = () => undefined;
  const lockTaken = new Promise<void>((resolve) => (locked = resolve));
  const transaction = database().db.transaction(async (tx) => {
    await tx.select({ id: calendarIntegrations.id }).from(calendarIntegrations).where(eq(calendarIntegrations.id, integrationId)).for("no key update");
    locked();
    await released;
  });
  await lockTaken;
  return async () => {
    release();
    await transaction;
  };
}

describe("sync.onStatus over SSE", () => {
  it("streams the current status, syncing and idle with counts around an import, and a disconnection; the other user hears nothing of Ana's", async () => {
    const { ana, ben } = people;
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await sandboxAdmin(sandbox(), "POST", "/mailboxes/ana@contoso.test/events", {
      events: [10, 14].map((hour) => ({ subject: `Réunion ${hour}h`, start: { dateTime: `${tomorrow}T${hour}:00:00`, timeZone: "UTC" }, end: { dateTime: `${tomorrow}T${hour + 1}:00:00`, timeZone: "UTC" } })),
    });
    const anaStatus = watchStatus(ana.token);
    const benStatus = watchStatus(ben.token);
    try {
      expect(await anaStatus.next()).toEqual({
        state: "idle",
        integrationId: ana.integrationId,
        accountEmail: "ana@contoso.test",
        reason: null,
        lastSyncAt: null,
        lastSyncResult: null,
        mode: "polling",
        unreviewedConflicts: 0,
      });
      expect(await benStatus.next()).toMatchObject({ state: "idle", integrationId: ben.integrationId, lastSyncAt: null });

      const release = await holdIntegration(ana.integrationId);
      const imported = api(ana.token).sync.importNow.mutate();
      expect(await anaStatus.next()).toMatchObject({ state: "syncing", lastSyncAt: null });
      await release();
      expect(await imported).toMatchObject({ created: 2 });
      const after = await anaStatus.next();
      expect(after).toMatchObject({ state: "idle", lastSyncResult: { ok: true, created: 2, updated: 0, deleted: 0 } });
      expect(Date.parse(after.lastSyncAt ?? "")).toBeGreaterThan(Date.now() - 60_000);

      // Ben's next status is his own settings change: none of Ana's came before it.
      await api(ben.token).integrations.outlook.updateSettings.mutate({ autoSyncEnabled: false });
      expect(await benStatus.next()).toMatchObject({ integrationId: ben.integrationId, accountEmail: "ben@contoso.test", mode: null, lastSyncAt: null });
      await api(ben.token).integrations.outlook.disconnect.mutate({ removeExportedFormations: false });
      expect(await benStatus.next()).toMatchObject({ state: "not_connected", integrationId: null });
    } finally {
      anaStatus.close();
      benStatus.close();
    }
  });

  it("streams needs_reauth with Microsoft's reason once the grant is revoked", async () => {
    const { ana } = people;
    const anaStatus = watchStatus(ana.token);
    try {
      expect(await anaStatus.next()).toMatchObject({ state: "idle" });
      await sandboxAdmin(sandbox(), "POST", "/identity/grants/revoke", { user: "ana@contoso.test" });
      // The access token held still works until it expires: Graph refusing it makes the run refresh, which fails.
      await sandboxAdmin(sandbox(), "POST", "/faults/reject-tokens", { count: 1, issuedBefore: Math.floor(Date.now() / 1000) + 60 });
      await expect(api(ana.token).sync.importNow.mutate()).rejects.toMatchObject({ data: { appCode: "OUTLOOK_NEEDS_REAUTH" } });
      let status = await anaStatus.next();
      while (status.state === "syncing") status = await anaStatus.next();
      expect(status).toMatchObject({ state: "needs_reauth", integrationId: ana.integrationId, reason: expect.stringContaining("AADSTS50173") });
    } finally {
      anaStatus.close();
    }
  });

  it("refuses a subscriber without a valid token", async () => {
    for (const token of [null, "not-a-token", await signSessionToken("another-secret-long-enough-for-hs256-signing", people.ana.user)]) {
      const anonymous = watchStatus(token);
      const error = await anonymous.failure;
      anonymous.close();
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<AppRouter>).data).toMatchObject({ code: "UNAUTHORIZED" });
    }
  });
});
