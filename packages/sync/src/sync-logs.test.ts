import { syncRuns } from "@agenda/db/schema";
import { useTestDatabase } from "@agenda/testing/database";
import { sandboxAdmin, useSandbox } from "@agenda/testing/sandbox";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { withLogContext } from "@agenda/observability/logger";
import { OutlookServices } from "./connection/outlook-services";
import { startSync, type Sync } from "./start-sync";
import { capturingLogger } from "@agenda/observability/capturing-logger";
import { connectTestUser, testOutlookServices } from "./testing/connect";

const database = useTestDatabase();
const sandbox = useSandbox([{ userPrincipalName: "lea@contoso.test" }]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let sync: Sync | undefined;
afterAll(async () => {
  await sync?.stop(5_000);
});

describe("sync logs", () => {
  it(
    "carry the request id that queued a job into its run and Graph calls, with Graph's ids, and no token",
    { timeout: 60_000 },
    async () => {
      const logs = capturingLogger("debug");
      const plain = testOutlookServices(database().db, sandbox());
      const services = new OutlookServices(plain.db, plain.identity, plain.vault, plain.graphOrigin, logs.logger);
      const { integration } = await connectTestUser(services, { name: "Léa", mailbox: "lea@contoso.test" });
      await sandboxAdmin(sandbox(), "POST", "/mailboxes/lea@contoso.test/events", {
        events: [
          {
            subject: "Revue",
            start: { dateTime: "2026-12-08T09:00:00", timeZone: "UTC" },
            end: { dateTime: "2026-12-08T10:00:00", timeZone: "UTC" },
          },
        ],
      });
      sync = await startSync({
        outlook: services,
        databaseUrl: database().url,
        platformUrl: "https://platform.example.test",
        work: true,
        queue: { pollingIntervalSeconds: 1, maintenanceCron: "0 0 1 1 *" },
      });
      const { queue } = sync;
      await withLogContext({ requestId: "req-support-7" }, () =>
        queue.enqueueImports(database().db, [integration.id], "manual"),
      );

      // The run is recorded, then its end logged: wait for both.
      const runFinishedLogged = () => logs.lines.some((line) => line.includes('"sync run finished"'));
      let run: typeof syncRuns.$inferSelect | undefined;
      for (let waited = 0; waited < 300 && (run?.status !== "succeeded" || !runFinishedLogged()); waited++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        [run] = await database().db.select().from(syncRuns).where(eq(syncRuns.integrationId, integration.id));
      }
      expect(run?.status).toBe("succeeded");

      const lines = logs.lines.map(
        (line) => JSON.parse(line) as Record<string, unknown> & { graph?: Record<string, unknown> },
      );
      const graphCalls = lines.filter((line) => line.msg === "graph call" && line.runId === run?.id);
      expect(graphCalls.length).toBeGreaterThan(0);
      for (const call of graphCalls) {
        expect(call).toMatchObject({
          requestId: "req-support-7",
          runId: run?.id,
          integrationId: integration.id,
          queue: "outlook-import",
        });
        expect(call.graph?.requestId).toMatch(UUID);
        expect(call.graph?.clientRequestId).toMatch(UUID);
        expect(String(call.graph?.path)).not.toContain("?");
      }
      expect(lines).toContainEqual(
        expect.objectContaining({
          msg: "sync run finished",
          requestId: "req-support-7",
          runId: run?.id,
          status: "succeeded",
          created: 1,
        }),
      );

      const accessToken = await services.accessToken(integration.id);
      expect(logs.text()).not.toContain(accessToken);
      expect(logs.text()).not.toMatch(/Bearer /);
    },
  );
});
