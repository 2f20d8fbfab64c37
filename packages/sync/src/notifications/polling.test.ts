import { graphSubscriptions, syncRuns } from "@agenda/db/schema";
import { useTestDatabase } from "@agenda/testing/database";
import { useSandbox } from "@agenda/testing/sandbox";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listIntegrations } from "../connection/integrations";
import type { OutlookServices } from "../connection/outlook-services";
import { startSync, type Sync } from "../start-sync";
import type { SyncEngine } from "../sync-engine";
import { connectTestUser, testOutlookServices } from "../testing/connect";
import { subscriptionSettingsFor } from "./notification-endpoints";

const database = useTestDatabase();
const sandbox = useSandbox(["gil", "hana"].map((name) => ({ userPrincipalName: `${name}@contoso.test` })));

const POLL_INTERVAL_MS = 60_000;

let services: OutlookServices;
let sync: Sync;
let engine: SyncEngine;

beforeAll(async () => {
  services = testOutlookServices(database().db, sandbox());
  // Nothing listens on port 9 (discard): Graph's validation handshake fails and subscriptions cannot be created.
  const notifications = subscriptionSettingsFor(sandbox().url, "http://127.0.0.1:9");
  sync = await startSync({
    outlook: services,
    databaseUrl: database().url,
    platformUrl: "https://platform.example.test",
    work: true,
    notifications,
    pollIntervalMs: POLL_INTERVAL_MS,
    safetyNetIntervalMs: 6 * 3_600_000,
    queue: { maintenanceCron: "0 0 1 1 *", retry: { limit: 0, delaySeconds: 1 } },
  });
  ({ engine } = sync);
});
afterAll(async () => {
  await sync?.stop(5_000);
});

async function finishedImports(integrationId: string, count: number) {
  for (let attempt = 0; attempt < 300; attempt++) {
    const runs = await database()
      .db.select()
      .from(syncRuns)
      .where(and(eq(syncRuns.integrationId, integrationId), eq(syncRuns.kind, "import")));
    if (runs.length >= count && runs.every(({ status }) => status !== "running")) return runs;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${count} finished imports for ${integrationId}`);
}

/** Moves the integration's imports `ms` into the past (a finished import then, if it had none). */
async function lastImportedAgo(integrationId: string, ms: number) {
  const startedAt = new Date(Date.now() - ms);
  const imports = and(eq(syncRuns.integrationId, integrationId), eq(syncRuns.kind, "import"));
  const moved = await database()
    .db.update(syncRuns)
    .set({ startedAt, finishedAt: startedAt })
    .where(imports)
    .returning({ id: syncRuns.id });
  if (moved.length === 0)
    await database().db.insert(syncRuns).values({
      integrationId,
      kind: "import",
      trigger: "change",
      status: "succeeded",
      startedAt,
      finishedAt: startedAt,
    });
}

describe("the polling fallback", () => {
  it("polls an integration whose webhook cannot be validated, every poll interval", async () => {
    const { user, integration } = await connectTestUser(services, { name: "Gil", mailbox: "gil@contoso.test" });
    await engine.integrationChanged(database().db, integration.id);
    const [first] = await finishedImports(integration.id, 1);
    expect(first).toMatchObject({ status: "succeeded", trigger: "change" });
    expect(first?.issues.map(({ message }) => message).join()).toMatch(
      /Change notifications unavailable, polling instead: .*validation/i,
    );
    expect(await database().db.select().from(graphSubscriptions)).toEqual([]);
    expect((await listIntegrations(database().db, user.id))[0]?.syncMode).toBe("polling");

    expect(await engine.enqueueDue()).toMatchObject({ imports: 0 });
    await lastImportedAgo(integration.id, POLL_INTERVAL_MS + 1_000);
    // An export since then wrote to Outlook but read nothing from it: the poll is still due.
    await engine.handlers().export({ integrationId: integration.id, trigger: "change" });
    expect(await engine.enqueueDue()).toMatchObject({ imports: 1 });
    const runs = await finishedImports(integration.id, 2);
    expect(runs.map(({ trigger, status }) => `${trigger}:${status}`)).toEqual([
      "change:succeeded",
      "schedule:succeeded",
    ]);
  });

  it("imports an integration with live subscriptions only at the safety-net interval, or to renew them", async () => {
    const { user, integration } = await connectTestUser(services, { name: "Hana", mailbox: "hana@contoso.test" });
    await lastImportedAgo(integration.id, 10 * 60_000);
    const expiresAt = new Date(Date.now() + 3 * 86_400_000);
    await database()
      .db.insert(graphSubscriptions)
      .values({
        integrationId: integration.id,
        subscriptionId: "live-subscription",
        resource: "me/calendar/events",
        clientStateHash: "0".repeat(64),
        expiresAt,
      });
    expect((await listIntegrations(database().db, user.id)).map(({ syncMode }) => syncMode)).toEqual(["notifications"]);

    expect(await engine.enqueueDue()).toMatchObject({ imports: 0 });
    await lastImportedAgo(integration.id, 6 * 3_600_000 + 1_000);
    expect(await engine.enqueueDue()).toMatchObject({ imports: 1 });
    await finishedImports(integration.id, 2);

    // Expiring within the renewal lead: due whatever the last sync.
    await lastImportedAgo(integration.id, 1_000);
    await database()
      .db.update(graphSubscriptions)
      .set({ expiresAt: new Date(Date.now() + 3_600_000) })
      .where(eq(graphSubscriptions.integrationId, integration.id));
    expect(await engine.enqueueDue()).toMatchObject({ imports: 1 });
  });
});
