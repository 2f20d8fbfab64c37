import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { agendaEvents, syncRuns } from "@agenda/db/schema";
import { SyncQueue } from "@agenda/sync/sync-queue";
import { connectTestUser, testOutlookEnvironment, testOutlookServices } from "@agenda/sync/testing/connect";
import { useTestDatabase } from "@agenda/testing/database";
import { sandboxAdmin, useSandbox } from "@agenda/testing/sandbox";
import { and, eq, isNull } from "drizzle-orm";
import { describe, expect, it } from "vitest";

const database = useTestDatabase();
const sandbox = useSandbox([{ userPrincipalName: "ana@contoso.test" }]);

describe("the sync worker process", () => {
  it("takes the jobs the server queues and syncs the mailbox", { timeout: 120_000 }, async () => {
    const services = testOutlookServices(database().db, sandbox());
    const { user, integration } = await connectTestUser(services, { name: "Ana", mailbox: "ana@contoso.test" });
    await sandboxAdmin(sandbox(), "POST", "/mailboxes/ana@contoso.test/events", {
      events: [
        {
          subject: "Point hebdo",
          start: { dateTime: "2026-12-07T09:00:00", timeZone: "UTC" },
          end: { dateTime: "2026-12-07T09:30:00", timeZone: "UTC" },
        },
      ],
    });

    const worker = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./main.ts", import.meta.url))], {
      env: {
        ...process.env,
        DATABASE_URL: database().url,
        ...testOutlookEnvironment(sandbox()),
        PLATFORM_URL: "https://platform.example.test",
        SYNC_POLL_SECONDS: "0.5",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    worker.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    // The web side only queues: it takes no jobs itself.
    const server = await SyncQueue.start({ databaseUrl: database().url });
    try {
      await server.enqueueImports(database().db, [integration.id], "manual");
      let run: typeof syncRuns.$inferSelect | undefined;
      for (let waited = 0; waited < 900 && run?.status !== "succeeded"; waited++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        [run] = await database().db.select().from(syncRuns).where(eq(syncRuns.integrationId, integration.id));
      }
      expect(run, output).toMatchObject({ status: "succeeded", kind: "import", trigger: "manual", created: 1 });
      const imported = await database()
        .db.select({ title: agendaEvents.title })
        .from(agendaEvents)
        .where(
          and(eq(agendaEvents.ownerId, user.id), eq(agendaEvents.source, "outlook"), isNull(agendaEvents.deletedAt)),
        );
      expect(imported).toEqual([{ title: "Point hebdo" }]);
      expect(output).toContain("sync worker");
    } finally {
      await server.stop(5_000);
      worker.kill("SIGTERM");
      await once(worker, "exit");
    }
  });

  it("refuses to start without its configuration and names what is missing", async () => {
    const worker = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./main.ts", import.meta.url))], {
      env: { ...process.env, DATABASE_URL: database().url, OUTLOOK_CLIENT_ID: "", TOKEN_ENCRYPTION_KEY: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    worker.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(worker, "exit")) as [number];
    expect(code).toBe(1);
    expect(output).toMatch(/OUTLOOK_CLIENT_ID[\s\S]*TOKEN_ENCRYPTION_KEY[\s\S]*PLATFORM_URL/);
  });
});
