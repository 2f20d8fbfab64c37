import type { AddressInfo } from "node:net";
import {
  createAuthenticator,
  createMicrosoftTokenVerifier,
  errorMessage,
  signSessionToken,
  type AppRouter,
} from "@agenda/api";
import { calendarIntegrations } from "@agenda/db/schema";
import { createServiceToken } from "@agenda/domain/service-tokens";
import type { User } from "@agenda/domain/users";
import { IntegrationStatusFeed, type IntegrationStatus } from "@agenda/sync/integration-status";
import type { OutlookServices } from "@agenda/sync/outlook-services";
import type { Sync } from "@agenda/sync";
import { connectTestUser, testOutlookServices } from "@agenda/sync/testing/connect";
import { startQueueOnlySync } from "@agenda/sync/testing/sync";
import { useTestDatabase } from "@agenda/testing/database";
import { sandboxAdmin, TEST_APP, useSandbox } from "@agenda/testing/sandbox";
import { serve, type ServerType } from "@hono/node-server";
import { ticketedSubscriptionLinks } from "@agenda/client/status-stream";
import { createTRPCClient, httpLink, httpSubscriptionLink, retryLink, TRPCClientError } from "@trpc/client";
import { eq } from "drizzle-orm";
import { EventSource } from "eventsource";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addinAuthSettings } from "./addin-auth";
import { createApp } from "./app";

const database = useTestDatabase();
const sandbox = useSandbox([
  { userPrincipalName: "ana@contoso.test" },
  { userPrincipalName: "ben@contoso.test" },
  { userPrincipalName: "cleo@contoso.test" },
]);
const SECRET = "sync-status-test-secret-long-enough-for-hs256";

let server: ServerType;
let origin: string;
let services: OutlookServices;
let feed: IntegrationStatusFeed;
let sync: Sync | undefined;
const people: Record<"ana" | "ben", { user: User; token: string; integrationId: string }> = {} as never;

beforeAll(async () => {
  const { db } = database();
  services = testOutlookServices(db, sandbox());
  feed = new IntegrationStatusFeed(db);
  await feed.start();
  const verifier = createMicrosoftTokenVerifier(
    addinAuthSettings({ clientId: TEST_APP.clientId, tenant: "common", authorityHost: sandbox().url }),
  );
  const app = createApp({
    db,
    authenticator: createAuthenticator({ secret: SECRET }, verifier),
    demo: null,
    outlook: services,
    sync: (sync = await startQueueOnlySync(services, database().url)),
    statusFeed: feed,
  });
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
  await sync?.stop(1_000);
});

/** Runs the import job `importNow` queued, as a worker takes it (this file's queue is worked by no one). */
function runQueuedImport(integrationId: string, runId: string | null) {
  return sync?.engine.handlers().import({ integrationId, trigger: "manual", ...(runId ? { runId } : {}) });
}

/**
 * `sync.onStatus` as the web app opens it: SSE with a single-use stream ticket asked for with `token` at each
 * connection (the apps' own links); or with the `connectionParams` given, as a client of its own might.
 */
function watchStatus(token: string | null, options: { connectionParams?: Record<string, string> } = {}) {
  const links =
    options.connectionParams || token === null
      ? [httpSubscriptionLink({ url: `${origin}/trpc`, EventSource, connectionParams: options.connectionParams })]
      : ticketedSubscriptionLinks({
          url: `${origin}/trpc`,
          EventSource,
          requestTicket: async () => (await api(token).sync.statusTicket.mutate()).ticket,
        });
  const client = createTRPCClient<AppRouter>({ links });
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
    next: () =>
      new Promise<IntegrationStatus>((resolve) =>
        received.length ? resolve(received.shift() as IntegrationStatus) : waiting.push(resolve),
      ),
    failure,
    close: () => subscription.unsubscribe(),
  };
}

/** An access token for the product's API, as the Outlook add-in gets one for the mailbox's owner, valid `lifetimeSeconds`. */
async function addinToken(mailbox: string, lifetimeSeconds: number): Promise<string> {
  const owner = sandbox().directory.findByUserPrincipalName(mailbox);
  if (!owner) throw new Error(`no ${mailbox} in the sandbox`);
  const claims = {
    aud: TEST_APP.clientId,
    iss: `${sandbox().url}/${owner.tenantId}/v2.0`,
    ver: "2.0",
    oid: owner.id,
    tid: owner.tenantId,
    azp: TEST_APP.clientId,
    scp: "access_as_user",
  };
  return sandbox().signing.sign(claims, lifetimeSeconds);
}

function api(token: string) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${origin}/trpc`, headers: { authorization: `Bearer ${token}` } })],
  });
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
    await tx
      .select({ id: calendarIntegrations.id })
      .from(calendarIntegrations)
      .where(eq(calendarIntegrations.id, integrationId))
      .for("no key update");
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
      events: [10, 14].map((hour) => ({
        subject: `Réunion ${hour}h`,
        start: { dateTime: `${tomorrow}T${hour}:00:00`, timeZone: "UTC" },
        end: { dateTime: `${tomorrow}T${hour + 1}:00:00`, timeZone: "UTC" },
      })),
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
        importRun: null,
      });
      expect(await benStatus.next()).toMatchObject({
        state: "idle",
        integrationId: ben.integrationId,
        lastSyncAt: null,
      });

      const release = await holdIntegration(ana.integrationId);
      // Answered at once with the run to follow; the import job then runs as a worker takes it.
      const { runId } = await api(ana.token).sync.importNow.mutate();
      const imported = runQueuedImport(ana.integrationId, runId);
      expect(await anaStatus.next()).toMatchObject({
        state: "syncing",
        lastSyncAt: null,
        importRun: { id: runId, status: "running", pages: 0 },
      });
      await release();
      expect(await imported).toMatchObject({ runId, created: 2 });
      let after = await anaStatus.next();
      while (after.state === "syncing") after = await anaStatus.next();
      expect(after).toMatchObject({
        state: "idle",
        lastSyncResult: { ok: true, created: 2, updated: 0, deleted: 0 },
        importRun: { id: runId, status: "succeeded", pages: 1, created: 2 },
      });
      expect(Date.parse(after.lastSyncAt ?? "")).toBeGreaterThan(Date.now() - 60_000);

      // Ben's next status is his own settings change: none of Ana's came before it.
      await api(ben.token).integrations.outlook.updateSettings.mutate({ autoSyncEnabled: false });
      expect(await benStatus.next()).toMatchObject({
        integrationId: ben.integrationId,
        accountEmail: "ben@contoso.test",
        mode: null,
        lastSyncAt: null,
      });
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
      await sandboxAdmin(sandbox(), "POST", "/faults/reject-tokens", {
        count: 1,
        issuedBefore: Math.floor(Date.now() / 1000) + 60,
      });
      const { runId } = await api(ana.token).sync.importNow.mutate();
      expect(await runQueuedImport(ana.integrationId, runId)).toEqual({ skipped: "OUTLOOK_NEEDS_REAUTH" });
      // Asked again, the import is refused at once: the user must reconnect first.
      await expect(api(ana.token).sync.importNow.mutate()).rejects.toMatchObject({
        data: { appCode: "OUTLOOK_NEEDS_REAUTH" },
      });
      let status = await anaStatus.next();
      while (status.state === "syncing") status = await anaStatus.next();
      expect(status).toMatchObject({
        state: "needs_reauth",
        integrationId: ana.integrationId,
        reason: expect.stringContaining("AADSTS50173"),
      });
    } finally {
      anaStatus.close();
    }
  });

  it("ends the stream with TOKEN_EXPIRED once the token that opened it expires, a platform session's or the add-in's", async () => {
    const { ana } = people;
    for (const shortLivedToken of [
      () => signSessionToken(SECRET, ana.user, { lifetimeSeconds: 2 }),
      () => addinToken("ana@contoso.test", 2),
    ]) {
      const shortLived = watchStatus(await shortLivedToken());
      try {
        expect(await shortLived.next()).toMatchObject({ integrationId: ana.integrationId });
        const error = await shortLived.failure;
        expect(error).toBeInstanceOf(TRPCClientError);
        expect((error as TRPCClientError<AppRouter>).data).toMatchObject({
          code: "UNAUTHORIZED",
          httpStatus: 401,
          appCode: "TOKEN_EXPIRED",
        });
        expect((error as Error).message).toBe(errorMessage(ana.user.locale, "TOKEN_EXPIRED"));
      } finally {
        shortLived.close();
      }
    }
  });

  it("lets a client that retries on TOKEN_EXPIRED reopen the stream with a fresh token", async () => {
    const { ana } = people;
    let tokensIssued = 0;
    const client = createTRPCClient<AppRouter>({
      links: [
        retryLink({ retry: ({ error, attempts }) => error.data?.appCode === "TOKEN_EXPIRED" && attempts < 3 }),
        httpSubscriptionLink({
          url: `${origin}/trpc`,
          EventSource,
          connectionParams: async () => {
            tokensIssued++;
            return {
              ticket: (
                await api(await signSessionToken(SECRET, ana.user, { lifetimeSeconds: 2 })).sync.statusTicket.mutate()
              ).ticket,
            };
          },
        }),
      ],
    });
    const statuses: IntegrationStatus[] = [];
    let reopened: () => void = () => undefined;
    const secondStatus = new Promise<void>((resolve) => (reopened = resolve));
    const subscription = client.sync.onStatus.subscribe(undefined, {
      onData: (status) => {
        statuses.push(status);
        if (statuses.length === 2) reopened();
      },
    });
    try {
      await secondStatus;
      // The stream sends the current status again when it opens: the second one came from the reopened stream.
      expect(tokensIssued).toBe(2);
      expect(statuses[1]).toEqual(statuses[0]);
    } finally {
      subscription.unsubscribe();
    }
  });

  it("refuses a subscriber without a valid ticket, and a session token put where the ticket goes", async () => {
    const { token } = people.ana;
    const attempts: Array<Record<string, string> | undefined> = [
      undefined,
      { ticket: "agd_tkt_not-a-ticket" },
      { token },
      { ticket: token },
    ];
    for (const connectionParams of attempts) {
      const refused = watchStatus(null, connectionParams ? { connectionParams } : {});
      const error = await refused.failure;
      refused.close();
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<AppRouter>).data).toMatchObject({ code: "UNAUTHORIZED" });
    }
  });

  it("spends a ticket once: opening a second stream with it is refused", async () => {
    const ticket = (await api(people.ana.token).sync.statusTicket.mutate()).ticket;
    const first = watchStatus(null, { connectionParams: { ticket } });
    try {
      expect(await first.next()).toMatchObject({ integrationId: people.ana.integrationId });
      const second = watchStatus(null, { connectionParams: { ticket } });
      const error = await second.failure;
      second.close();
      expect((error as TRPCClientError<AppRouter>).data).toMatchObject({
        code: "UNAUTHORIZED",
        appCode: "TOKEN_INVALID",
      });
    } finally {
      first.close();
    }
  });

  it("ends an open stream with USER_DEACTIVATED once the platform deactivates its person", async () => {
    const { db } = database();
    const { user } = await connectTestUser(services, { name: "Cleo", mailbox: "cleo@contoso.test" });
    const cleo = watchStatus(await signSessionToken(SECRET, user));
    try {
      expect(await cleo.next()).toMatchObject({ accountEmail: "cleo@contoso.test" });
      const { token: hr } = await createServiceToken(db, { name: "hr", scopes: ["users:write"] });
      await api(hr).users.deactivate.mutate({ platformUserId: user.platformUserId });
      const error = await cleo.failure;
      expect((error as TRPCClientError<AppRouter>).data).toMatchObject({
        code: "UNAUTHORIZED",
        appCode: "USER_DEACTIVATED",
      });
    } finally {
      cleo.close();
    }
  });

  it("gives no ticket to a service token: streams belong to people, and the subscriber hears why", async () => {
    const serviceToken = (await createServiceToken(database().db, { name: "watcher", scopes: ["formations:write"] }))
      .token;
    await expect(api(serviceToken).sync.statusTicket.mutate()).rejects.toMatchObject({
      data: { code: "FORBIDDEN", appCode: "USER_ONLY" },
    });
    const service = watchStatus(serviceToken);
    const error = await service.failure;
    service.close();
    expect((error as TRPCClientError<AppRouter>).data).toMatchObject({ code: "FORBIDDEN", appCode: "USER_ONLY" });
  });
});
