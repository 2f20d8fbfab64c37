import { createAuthenticator, signSessionToken } from "@agenda/api";
import { agendaEvents, auditLog, calendarIntegrations, graphSubscriptions, syncCursors } from "@agenda/db/schema";
import { ensureUser, type User } from "@agenda/domain/users";
import type { AdminIntegrationView } from "@agenda/sync/integrations";
import { readIntegrationStatus } from "@agenda/sync/integration-status";
import type { SyncRunView } from "@agenda/sync/run-history";
import type { Sync } from "@agenda/sync";
import { connectTestUser, testOutlookServices } from "@agenda/sync/testing/connect";
import { startQueueOnlySync } from "@agenda/sync/testing/sync";
import { useTestDatabase } from "@agenda/testing/database";
import { sandboxAdmin, useSandbox } from "@agenda/testing/sandbox";
import { and, count, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "./app";

const database = useTestDatabase();
// Small delta pages: a full resync reads the mailbox over several pages, as a large one would be.
const sandbox = useSandbox(
  [
    { userPrincipalName: "ana@contoso.test", displayName: "Ana" },
    { userPrincipalName: "ben@contoso.test", displayName: "Ben" },
  ],
  { graph: { deltaDefaultPageSize: 4, deltaMaxPageSize: 4 } },
);
const SECRET = "admin-integrations-test-secret-long-enough-for-hs256";

let app: ReturnType<typeof createApp>;
let sync: Sync | undefined;
let admin: User;
const tokens: Record<"admin" | "learner" | "trainer", string> = { admin: "", learner: "", trainer: "" };
const people: Record<"ana" | "ben", { user: User; integrationId: string }> = {} as never;

beforeAll(async () => {
  const { db } = database();
  const services = testOutlookServices(db, sandbox());
  sync = await startQueueOnlySync(services, database().url);
  app = createApp({ db, authenticator: createAuthenticator({ secret: SECRET }), demo: null, outlook: services, sync });
  admin = await ensureUser(db, { platformUserId: "adm", email: "ada@example.test", name: "Ada", role: "admin" });
  const tom = await ensureUser(db, { platformUserId: "tom", email: "tom@example.test", name: "Tom", role: "trainer" });
  for (const name of ["ana", "ben"] as const) {
    const { user, integration } = await connectTestUser(services, { name, mailbox: `${name}@contoso.test` });
    people[name] = { user, integrationId: integration.id };
  }
  tokens.admin = await signSessionToken(SECRET, admin);
  tokens.learner = await signSessionToken(SECRET, people.ana.user);
  tokens.trainer = await signSessionToken(SECRET, tom);
});
afterAll(() => sync?.stop(1_000));

/** What the admin doors answer, as far as these tests read it. */
interface Answer {
  error?: { code: string };
  integrations: AdminIntegrationView[];
  runs: SyncRunView[];
}

async function call(method: string, path: string, token: string, body?: unknown) {
  const response = await app.request(path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      "accept-language": "fr",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Answer };
}

/** The import jobs waiting for an integration, as pg-boss holds them. */
async function queuedImports(integrationId: string): Promise<number> {
  const [row] = await database().db.execute<{ count: number }>(
    sql`select count(*)::int as count from pgboss.job where name = 'outlook-import' and state = 'created' and data->>'integrationId' = ${integrationId}`,
  );
  return row?.count ?? 0;
}

/** Runs the integration's waiting import job as a worker would, and takes it off the queue. */
async function runQueuedImport(integrationId: string) {
  await sync?.engine.handlers().import({ integrationId, trigger: "manual" });
  await database().db.execute(
    sql`delete from pgboss.job where name = 'outlook-import' and data->>'integrationId' = ${integrationId}`,
  );
}

async function liveOutlookRows(userId: string) {
  return database()
    .db.select({ graphEventId: agendaEvents.graphEventId })
    .from(agendaEvents)
    .where(and(eq(agendaEvents.ownerId, userId), eq(agendaEvents.source, "outlook"), isNull(agendaEvents.deletedAt)));
}

describe("administrators acting on an integration", () => {
  it("refuses learners and trainers at every door", async () => {
    const { integrationId } = people.ana;
    const doors = [
      ["GET", "/api/admin/integrations?needsAttention=true", undefined],
      ["GET", `/api/admin/integrations/${integrationId}/runs`, undefined],
      ["POST", `/api/admin/integrations/${integrationId}/resync`, { full: true }],
      ["DELETE", `/api/admin/integrations/${integrationId}`, { reason: "non" }],
    ] as const;
    for (const who of ["learner", "trainer"] as const)
      for (const [method, path, body] of doors) {
        const answer = await call(method, path, tokens[who], body);
        expect([answer.status, answer.body.error?.code], `${who} ${method} ${path}`).toEqual([403, "ADMIN_ONLY"]);
      }
    expect(await queuedImports(integrationId)).toBe(0);
    const [row] = await database()
      .db.select({ status: calendarIntegrations.status })
      .from(calendarIntegrations)
      .where(eq(calendarIntegrations.id, integrationId));
    expect(row?.status).toBe("active");
  });

  it("resyncs now: an import queued for that integration, audited with the admin as actor", async () => {
    const { integrationId, user } = people.ben;
    const answer = await call("POST", `/api/admin/integrations/${integrationId}/resync`, tokens.admin);
    expect(answer).toMatchObject({ status: 202, body: { integrationId, full: false, queued: true } });
    expect(await queuedImports(integrationId)).toBe(1);
    // A second click while the first waits joins it: still one job.
    expect(
      (await call("POST", `/api/admin/integrations/${integrationId}/resync`, tokens.admin, {})).body,
    ).toMatchObject({ queued: false });
    expect(await queuedImports(integrationId)).toBe(1);
    const audited = await database()
      .db.select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "admin.integration_resynced"), eq(auditLog.integrationId, integrationId)));
    expect(audited).toHaveLength(2);
    expect(audited[0]).toMatchObject({ actorUserId: admin.id, userId: user.id, detail: { full: false } });

    await runQueuedImport(integrationId);
    const runs = await call("GET", `/api/admin/integrations/${integrationId}/runs?limit=5`, tokens.admin);
    expect(runs.status).toBe(200);
    expect(runs.body.runs[0]).toMatchObject({ kind: "import", trigger: "manual", status: "succeeded" });
  });

  it("full resync of a mailbox already imported: cursors dropped, same events, none duplicated", async () => {
    const { integrationId, user } = people.ana;
    await sandboxAdmin(sandbox(), "POST", "/mailboxes/ana@contoso.test/events", {
      events: Array.from({ length: 11 }, (_, index) => ({
        subject: `Réunion ${index + 1}`,
        start: { dateTime: `2026-12-${String(index + 1).padStart(2, "0")}T10:00:00`, timeZone: "UTC" },
        end: { dateTime: `2026-12-${String(index + 1).padStart(2, "0")}T11:00:00`, timeZone: "UTC" },
      })),
    });
    await runQueuedImport(integrationId);
    const before = await liveOutlookRows(user.id);
    expect(before).toHaveLength(11);

    const answer = await call("POST", `/api/admin/integrations/${integrationId}/resync`, tokens.admin, { full: true });
    expect(answer).toMatchObject({ status: 202, body: { full: true, queued: true } });
    const [cursors] = await database()
      .db.select({ count: count() })
      .from(syncCursors)
      .where(eq(syncCursors.integrationId, integrationId));
    expect(cursors?.count).toBe(0);

    await runQueuedImport(integrationId);
    const runs = await call("GET", `/api/admin/integrations/${integrationId}/runs`, tokens.admin);
    // Read in full over several pages (four events a page): every event matched, nothing created or deleted.
    expect(runs.body.runs[0]).toMatchObject({ status: "succeeded", created: 0, deleted: 0 });
    expect(runs.body.runs[0]?.requests).toBeGreaterThanOrEqual(3);
    const after = await liveOutlookRows(user.id);
    expect(after).toHaveLength(11);
    expect(new Set(after.map(({ graphEventId }) => graphEventId)).size).toBe(11);
    expect(new Set(after.map(({ graphEventId }) => graphEventId))).toEqual(
      new Set(before.map(({ graphEventId }) => graphEventId)),
    );
    const [all] = await database()
      .db.select({ count: count() })
      .from(agendaEvents)
      .where(eq(agendaEvents.ownerId, user.id));
    expect(all?.count).toBe(11);
  });

  it("lists what needs attention: needs reauth, failing, webhook unreachable", async () => {
    const { db } = database();
    const all = await call("GET", "/api/admin/integrations", tokens.admin);
    expect(all.body.integrations.map((row) => row.attention)).toEqual([[], []]);
    expect((await call("GET", "/api/admin/integrations?needsAttention=true", tokens.admin)).body.integrations).toEqual(
      [],
    );

    await db
      .update(calendarIntegrations)
      .set({ lastSyncResult: { ok: false, created: 0, updated: 0, deleted: 0, error: "OUTLOOK_UNREACHABLE" } })
      .where(eq(calendarIntegrations.id, people.ana.integrationId));
    await db.insert(graphSubscriptions).values({
      integrationId: people.ben.integrationId,
      subscriptionId: "expired-subscription",
      resource: "me/calendar/events",
      clientStateHash: "0".repeat(64),
      expiresAt: new Date(Date.now() - 60_000),
    });
    const attention = await call("GET", "/api/admin/integrations?needsAttention=true", tokens.admin);
    expect(attention.body.integrations.map((row) => [row.id, row.attention])).toEqual([
      [people.ana.integrationId, ["failing"]],
      [people.ben.integrationId, ["webhook_unreachable"]],
    ]);

    await db
      .update(calendarIntegrations)
      .set({ status: "needs_reauth", statusReason: "AADSTS50173" })
      .where(eq(calendarIntegrations.id, people.ana.integrationId));
    const reauth = await call("GET", "/api/admin/integrations?needsAttention=true", tokens.admin);
    expect(reauth.body.integrations[0]).toMatchObject({ id: people.ana.integrationId, attention: ["needs_reauth"] });
    // The user must sign in again: a resync would fail the same way, and says so.
    const refused = await call("POST", `/api/admin/integrations/${people.ana.integrationId}/resync`, tokens.admin);
    expect([refused.status, refused.body.error?.code]).toEqual([412, "OUTLOOK_NEEDS_REAUTH"]);
    await db
      .update(calendarIntegrations)
      .set({ status: "active", statusReason: null, lastSyncResult: null })
      .where(eq(calendarIntegrations.id, people.ana.integrationId));
    await db.delete(graphSubscriptions).where(eq(graphSubscriptions.integrationId, people.ben.integrationId));
  });

  it("refuses an unknown integration and a missing reason with typed errors", async () => {
    const unknown = crypto.randomUUID();
    const resync = await call("POST", `/api/admin/integrations/${unknown}/resync`, tokens.admin);
    expect([resync.status, resync.body.error?.code]).toEqual([404, "INTEGRATION_NOT_FOUND"]);
    const runs = await call("GET", `/api/admin/integrations/${unknown}/runs`, tokens.admin);
    expect([runs.status, runs.body.error?.code]).toEqual([404, "INTEGRATION_NOT_FOUND"]);
    const noReason = await call("DELETE", `/api/admin/integrations/${people.ben.integrationId}`, tokens.admin, {});
    expect([noReason.status, noReason.body.error?.code]).toEqual([400, "INVALID_INPUT"]);
    const blank = await call("DELETE", `/api/admin/integrations/${people.ben.integrationId}`, tokens.admin, {
      reason: "   ",
    });
    expect(blank.status).toBe(400);
  });

  it("disconnects for the user: as their own disconnection, the reason shown to them and audited", async () => {
    const { db } = database();
    const { integrationId, user } = people.ana;
    expect((await liveOutlookRows(user.id)).length).toBeGreaterThan(0);
    const answer = await call("DELETE", `/api/admin/integrations/${integrationId}`, tokens.admin, {
      reason: "Compte Outlook partagé",
    });
    expect(answer).toMatchObject({ status: 200, body: { removedFromOutlook: 0, notRemovedFromOutlook: 0 } });

    const [row] = await db.select().from(calendarIntegrations).where(eq(calendarIntegrations.id, integrationId));
    expect(row).toMatchObject({ status: "disconnected", encryptedTokenCache: null });
    expect(await liveOutlookRows(user.id)).toHaveLength(0);
    expect(await readIntegrationStatus(db, user.id)).toMatchObject({
      state: "not_connected",
      reason: "Compte Outlook partagé",
    });
    const [audited] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "outlook.disconnect"), eq(auditLog.integrationId, integrationId)));
    expect(audited).toMatchObject({
      actorUserId: admin.id,
      userId: user.id,
      outcome: "success",
      detail: { byAdmin: true, reason: "Compte Outlook partagé" },
    });

    const again = await call("DELETE", `/api/admin/integrations/${integrationId}`, tokens.admin, { reason: "encore" });
    expect([again.status, again.body.error?.code]).toEqual([412, "OUTLOOK_NOT_CONNECTED"]);
    const resync = await call("POST", `/api/admin/integrations/${integrationId}/resync`, tokens.admin);
    expect([resync.status, resync.body.error?.code]).toEqual([412, "OUTLOOK_NOT_CONNECTED"]);
  });
});
