import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signSessionToken } from "@agenda/api";
import { auditLog, graphSubscriptions, syncRuns } from "@agenda/db/schema";
import { ensureUser } from "@agenda/domain/users";
import { signInThroughAuthorizePage } from "@agenda/microsoft-sandbox";
import { testOutlookEnvironment } from "@agenda/sync/testing/connect";
import { useTestDatabase } from "@agenda/testing/database";
import { sandboxAdmin, useSandbox } from "@agenda/testing/sandbox";
import { startServerProcess, type ServerProcess } from "@agenda/testing/server-process";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SECRET = "outlook-notifications-test-secret-long-enough";
const database = useTestDatabase();
const sandbox = useSandbox([{ userPrincipalName: "ivy@contoso.test", displayName: "Ivy" }]);

let dataDir: string;
let server: ServerProcess | undefined;
/** What the first test leaves for the next: Ivy connected, notified, and her API headers. */
let ivyApi: ((path: string, init?: RequestInit) => Promise<Record<string, unknown>>) | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "agenda-notifications-test-"));
  await chmod(dataDir, 0o755);
});
afterAll(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>): Promise<T> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}:\n${server?.output() ?? ""}`);
}

describe("the server with Outlook change notifications", () => {
  it(
    "subscribes on connect and shows a change made in Outlook through events.list, with no import asked for",
    { timeout: 120_000 },
    async () => {
      server = await startServerProcess({
        DATA_DIR: dataDir,
        DATABASE_URL: database().url,
        PLATFORM_JWT_SECRET: SECRET,
        RATE_LIMIT_WEBHOOK_REJECTED_PER_MINUTE: "10",
        ...testOutlookEnvironment(sandbox()),
      });
      const [, webhook] = await server.printed(/Outlook changes: notified at ([^\s"]+)/, "the sync mode line");
      expect(webhook).toBe(`${server.url}/api/calendar/outlook/notifications`);
      const ivy = await ensureUser(database().db, {
        platformUserId: "ivy",
        email: "ivy@contoso.test",
        name: "Ivy",
        role: "learner",
      });
      const headers = {
        authorization: `Bearer ${await signSessionToken(SECRET, ivy)}`,
        "content-type": "application/json",
      };
      const api = async (path: string, init: RequestInit = {}) => {
        const response = await fetch(`${server?.url}${path}`, { ...init, headers });
        expect(response.status, path).toBe(200);
        return response.json() as Promise<Record<string, unknown>>;
      };

      const { url } = (await api("/api/calendar/outlook/auth-url")) as { url: string };
      const { response } = await signInThroughAuthorizePage(url, { userPrincipalName: "ivy@contoso.test" });
      const integration = (await api("/api/calendar/outlook/callback", {
        method: "POST",
        body: JSON.stringify(Object.fromEntries(response)),
      })) as { id: string };
      const [subscription] = await waitFor("the subscription", () =>
        database()
          .db.select()
          .from(graphSubscriptions)
          .where(eq(graphSubscriptions.integrationId, integration.id))
          .then((rows) => rows.length > 0 && rows),
      );
      expect(subscription?.resource).toBe("me/calendar/events");
      const { integrations } = (await api("/api/calendar/integrations")) as {
        integrations: Array<{ syncMode: string }>;
      };
      expect(integrations.map(({ syncMode }) => syncMode)).toEqual(["notifications"]);

      // The import that follows the connection has finished: what comes next can only come from a notification.
      await waitFor("the first import", () =>
        database()
          .db.select()
          .from(syncRuns)
          .where(eq(syncRuns.integrationId, integration.id))
          .then((runs) => runs.length > 0 && runs.every(({ status }) => status === "succeeded")),
      );
      await sandboxAdmin(sandbox(), "POST", "/mailboxes/ivy@contoso.test/events", {
        events: [
          {
            subject: "Revue de sprint",
            start: { dateTime: "2026-12-04T14:00:00", timeZone: "UTC" },
            end: { dateTime: "2026-12-04T15:00:00", timeZone: "UTC" },
          },
        ],
      });
      const listed = await waitFor("the event in events.list", async () => {
        const { events } = (await api("/api/calendar/events?from=2026-12-01T00:00:00Z&to=2026-12-31T00:00:00Z")) as {
          events: Array<{ title: string; source: string }>;
        };
        return events.find(({ title }) => title === "Revue de sprint");
      });
      expect(listed.source).toBe("outlook");
      const triggers = (
        await database()
          .db.select({ trigger: syncRuns.trigger })
          .from(syncRuns)
          .where(eq(syncRuns.integrationId, integration.id))
      ).map(({ trigger }) => trigger);
      expect(triggers).toContain("notification");
      expect(triggers).not.toContain("manual");
      ivyApi = api;
    },
  );

  it(
    "refuses a flood of forged notifications from an address past its budget, and still takes Microsoft's real ones at once",
    { timeout: 120_000 },
    async () => {
      const api = ivyApi;
      if (!server || !api) throw new Error("the first test connects Ivy");
      const forge = () =>
        fetch(`${server?.url}/api/calendar/outlook/notifications`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            value: [
              {
                subscriptionId: crypto.randomUUID(),
                clientState: "guess",
                changeType: "updated",
                resource: "me/events/x",
              },
            ],
          }),
        }).then((response) => response.status);
      const statuses: number[] = [];
      for (let post = 0; post < 30; post++) statuses.push(await forge());
      expect(statuses.slice(0, 10).every((status) => status === 202)).toBe(true);
      expect(statuses.slice(10).every((status) => status === 429)).toBe(true);

      // The sandbox delivers from the same address as the forger: a genuine notification is never counted nor refused.
      let stop = false;
      const flood = (async () => {
        while (!stop) await forge();
      })();
      try {
        await sandboxAdmin(sandbox(), "POST", "/mailboxes/ivy@contoso.test/events", {
          events: [
            {
              subject: "Pendant l'inondation",
              start: { dateTime: "2026-12-05T09:00:00", timeZone: "UTC" },
              end: { dateTime: "2026-12-05T10:00:00", timeZone: "UTC" },
            },
          ],
        });
        const listed = await waitFor("the event in events.list", async () => {
          const { events } = (await api("/api/calendar/events?from=2026-12-01T00:00:00Z&to=2026-12-31T00:00:00Z")) as {
            events: Array<{ title: string }>;
          };
          return events.find(({ title }) => title === "Pendant l'inondation");
        });
        expect(listed).toBeDefined();
      } finally {
        stop = true;
        await flood;
      }
      const rejected = await database()
        .db.select()
        .from(auditLog)
        .where(eq(auditLog.action, "outlook.notification_rejected"));
      // Sampled: a row or two for the whole flood, never one per forged post.
      expect(rejected.length).toBeLessThanOrEqual(2);
    },
  );
});
