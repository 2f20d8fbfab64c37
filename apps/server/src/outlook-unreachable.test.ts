import { createAuthenticator, errorMessage, signSessionToken } from "@agenda/api";
import { syncRuns } from "@agenda/db/schema";
import { upsertFormation, upsertFormationInput } from "@agenda/domain/formations";
import { MicrosoftIdentity } from "@agenda/graph/microsoft-identity";
import { refusingOrigin } from "@agenda/graph/testing/listeners";
import { signInThroughAuthorizePage } from "@agenda/microsoft-sandbox";
import { OutlookServices } from "@agenda/sync/outlook-services";
import type { Sync } from "@agenda/sync";
import { connectTestUser, testOutlookServices } from "@agenda/sync/testing/connect";
import { startQueueOnlySync } from "@agenda/sync/testing/sync";
import { useTestDatabase } from "@agenda/testing/database";
import { TEST_APP, TEST_REDIRECT_URI, useSandbox } from "@agenda/testing/sandbox";
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "./app";

const database = useTestDatabase();
const sandbox = useSandbox(
  ["lea", "ben", "cleo"].map((name) => ({ userPrincipalName: `${name}@contoso.test`, displayName: name })),
);
const SECRET = "outlook-unreachable-test-secret-long-enough-for-hs256";

/**
 * What a user waits at most for Microsoft out of reach: USER_FACING_RETRY's 2 s of refused connections, plus the
 * database's share on a busy 2-core machine. A job's schedule alone would be up to 15 s of backoff.
 */
const BOUND_MS = 5_000;

let reachable: OutlookServices;
/** The product as it runs when Graph's origin refuses connections (a sandbox restarted on another port, a network down). */
let graphDown: ReturnType<typeof createApp>;
/** Its sync, whose queued jobs no one works: the test runs them as a worker would. */
let graphDownSync: Sync;
/** The same when it is Microsoft's identity platform that refuses them. */
let identityDown: ReturnType<typeof createApp>;

/** Every sync started here, stopped when the file ends. */
const syncs: Sync[] = [];

async function syncOn(services: OutlookServices): Promise<Sync> {
  const sync = await startQueueOnlySync(services, database().url);
  syncs.push(sync);
  return sync;
}

async function appOn(services: OutlookServices) {
  const sync = await syncOn(services);
  const app = createApp({
    db: database().db,
    authenticator: createAuthenticator({ secret: SECRET }),
    demo: null,
    outlook: services,
    sync,
  });
  return { app, sync };
}

beforeAll(async () => {
  const { db } = database();
  reachable = testOutlookServices(db, sandbox());
  ({ app: graphDown, sync: graphDownSync } = await appOn(
    new OutlookServices(db, reachable.identity, reachable.vault, await refusingOrigin()),
  ));
  const closedAuthority = await refusingOrigin();
  const unreachableIdentity = new MicrosoftIdentity({
    clientId: TEST_APP.clientId,
    clientSecret: TEST_APP.secrets[0] ?? "",
    authority: `${closedAuthority}/common`,
    knownAuthorities: [new URL(closedAuthority).host],
    redirectUri: TEST_REDIRECT_URI,
  });
  ({ app: identityDown } = await appOn(new OutlookServices(db, unreachableIdentity, reachable.vault, sandbox().url)));
});
afterAll(() => Promise.all(syncs.map((sync) => sync.stop(1_000))));

/** A platform user with Outlook connected while Microsoft was reachable, and a formation of theirs already in Outlook. */
async function connectedWithAFormation(
  name: string,
): Promise<{ integrationId: string; headers: Record<string, string>; formationId: string }> {
  const { user, integration } = await connectTestUser(reachable, { name, mailbox: `${name}@contoso.test` });
  const formation = await upsertFormation(
    database().db,
    { kind: "service", serviceTokenId: "t", serviceName: "t", scopes: ["formations:write"] },
    upsertFormationInput.parse({
      title: `Formation de ${name}`,
      startsAt: "2026-12-14T09:00:00+01:00",
      endsAt: "2026-12-14T12:00:00+01:00",
      timeZone: "Europe/Paris",
      learners: [{ platformUserId: user.platformUserId, email: user.email, name }],
    }),
  );
  await (await syncOn(reachable)).engine.exportFormationNow(user.id, formation.id);
  return {
    integrationId: integration.id,
    headers: { authorization: `Bearer ${await signSessionToken(SECRET, user)}`, "content-type": "application/json" },
    formationId: formation.id,
  };
}

/** Sends a request, timing it. */
async function timed(app: ReturnType<typeof createApp>, path: string, init: RequestInit) {
  const started = Date.now();
  const response = await app.request(path, init);
  return { response, body: (await response.json()) as Record<string, unknown>, elapsedMs: Date.now() - started };
}

const unreachableIn = (locale: "fr" | "en") => errorMessage(locale, "OUTLOOK_UNREACHABLE");

describe("Microsoft out of reach", () => {
  it("answers OUTLOOK_UNREACHABLE (503) within the bound to every call that reads Outlook, and keeps the grant", async () => {
    const { integrationId, headers, formationId } = await connectedWithAFormation("lea");
    const calls: Array<[string, RequestInit]> = [
      ["/api/calendar/outlook/export-formation", { method: "POST", headers, body: JSON.stringify({ formationId }) }],
      ["/api/calendar/outlook/calendars", { headers }],
      [
        "/api/calendar/integrations/outlook/settings",
        { method: "PUT", headers, body: JSON.stringify({ importCalendarIds: ["a-calendar"] }) },
      ],
    ];
    for (const [path, init] of calls) {
      const { response, body, elapsedMs } = await timed(graphDown, path, init);
      expect({ path, status: response.status, body }).toEqual({
        path,
        status: 503,
        body: { error: { code: "OUTLOOK_UNREACHABLE", message: unreachableIn("fr") } },
      });
      expect(elapsedMs).toBeLessThan(BOUND_MS);
    }

    // "Importer les événements" is a job: answered at once, its run then fails and says why, within the bound too.
    const { response, body, elapsedMs } = await timed(graphDown, "/api/calendar/outlook/import", {
      method: "POST",
      headers,
    });
    expect(response.status).toBe(200);
    expect(body).toEqual({ integrationId, runId: expect.any(String) });
    expect(elapsedMs).toBeLessThan(BOUND_MS);
    const started = Date.now();
    await expect(
      graphDownSync.engine.handlers().import({ integrationId, trigger: "manual", runId: body.runId as string }),
    ).rejects.toMatchObject({ code: "OUTLOOK_UNREACHABLE" });
    expect(Date.now() - started).toBeLessThan(3 * BOUND_MS);

    const runs = await database()
      .db.select()
      .from(syncRuns)
      .where(eq(syncRuns.integrationId, integrationId))
      .orderBy(desc(syncRuns.startedAt));
    expect(runs.map(({ kind, status, error }) => ({ kind, status, error }))).toEqual([
      { kind: "import", status: "failed", error: "OUTLOOK_UNREACHABLE" },
      { kind: "export", status: "failed", error: "OUTLOOK_UNREACHABLE" },
      { kind: "export", status: "succeeded", error: null },
    ]);
    const integrations = (await (await graphDown.request("/api/calendar/integrations", { headers })).json()) as {
      integrations: Array<{ status: string; lastSyncResult: unknown }>;
    };
    expect(integrations.integrations).toMatchObject([
      { status: "active", lastSyncResult: { ok: false, error: "OUTLOOK_UNREACHABLE" } },
    ]);
  });

  it("says so when it is the identity platform that is out of reach, without asking the user to reconnect", async () => {
    const { headers } = await connectedWithAFormation("ben");
    for (const [path, init] of [["/api/calendar/outlook/auth-url", { headers }]] as Array<[string, RequestInit]>) {
      const { response, body, elapsedMs } = await timed(identityDown, path, init);
      expect({ path, status: response.status, body }).toEqual({
        path,
        status: 503,
        body: { error: { code: "OUTLOOK_UNREACHABLE", message: unreachableIn("fr") } },
      });
      expect(elapsedMs).toBeLessThan(BOUND_MS);
    }
    // A sign-in begun while Microsoft was reachable, whose code cannot be redeemed now.
    const { url } = (await (await graphDown.request("/api/calendar/outlook/auth-url", { headers })).json()) as {
      url: string;
    };
    const { response: redirect } = await signInThroughAuthorizePage(url, { userPrincipalName: "ben@contoso.test" });
    const callback = await timed(identityDown, "/api/calendar/outlook/callback", {
      method: "POST",
      headers,
      body: JSON.stringify(Object.fromEntries(redirect)),
    });
    expect({ status: callback.response.status, body: callback.body }).toEqual({
      status: 503,
      body: { error: { code: "OUTLOOK_UNREACHABLE", message: unreachableIn("fr") } },
    });
    expect(callback.elapsedMs).toBeLessThan(BOUND_MS);
    const integrations = (await (await identityDown.request("/api/calendar/integrations", { headers })).json()) as {
      integrations: Array<{ status: string }>;
    };
    expect(integrations.integrations).toMatchObject([{ status: "active" }]);
  });

  it("refuses a connection whose account Graph cannot be asked about, changing nothing, and disconnects without waiting on Outlook", async () => {
    const { headers } = await connectedWithAFormation("cleo");
    const listed = async () =>
      (
        (await (await graphDown.request("/api/calendar/integrations", { headers })).json()) as {
          integrations: unknown[];
        }
      ).integrations;
    const before = await listed();
    const { url } = (await (await graphDown.request("/api/calendar/outlook/auth-url", { headers })).json()) as {
      url: string;
    };
    const { response: redirect } = await signInThroughAuthorizePage(url, { userPrincipalName: "cleo@contoso.test" });
    const callback = await timed(graphDown, "/api/calendar/outlook/callback", {
      method: "POST",
      headers,
      body: JSON.stringify(Object.fromEntries(redirect)),
    });
    expect(callback.response.status).toBe(503);
    expect(callback.body).toEqual({ error: { code: "OUTLOOK_UNREACHABLE", message: unreachableIn("fr") } });
    expect(callback.elapsedMs).toBeLessThan(BOUND_MS);
    expect(await listed()).toEqual(before);

    const disconnected = await timed(graphDown, "/api/calendar/integrations/outlook?removeExportedFormations=true", {
      method: "DELETE",
      headers,
    });
    expect(disconnected.response.status).toBe(200);
    expect(disconnected.body).toEqual({ removedFromOutlook: 0, notRemovedFromOutlook: 1 });
    expect(disconnected.elapsedMs).toBeLessThan(BOUND_MS);
  });
});
