import { once } from "node:events";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findFreePort } from "@agenda/db/embedded";
import { formations, syncRuns } from "@agenda/db/schema";
import { DEMO_USERS } from "@agenda/domain/demo-seed";
import { signInThroughAuthorizePage } from "@agenda/microsoft-sandbox";
import { useTestDatabase } from "@agenda/testing/database";
import { sandboxAdmin, sandboxMailboxEvents, type SandboxMailboxEvent } from "@agenda/testing/sandbox";
import { runServerExpectingFailure, startServerProcess, type ServerProcess } from "@agenda/testing/server-process";
import { and, eq, gt } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const database = useTestDatabase();
const LEA = DEMO_USERS.learner.email;

let dataDir: string;
let env: Record<string, string>;
let server: ServerProcess | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "agenda-demo-restart-test-"));
  await chmod(dataDir, 0o755);
  // The server's own port stays too, as `npm start`'s 3000 does: the sandbox delivers notifications to it.
  env = { DATA_DIR: dataDir, DEMO_MODE: "true", DATABASE_URL: database().url, PORT: String(await findFreePort()) };
});
afterAll(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function startDemo(): Promise<{ sandboxUrl: string }> {
  server = await startServerProcess(env);
  const [, sandboxUrl] = await server.printed(/sandbox at (https:\/\/[^\s"]+)/, "the Microsoft sandbox");
  return { sandboxUrl: sandboxUrl ?? "" };
}

/** Léa's calls to the running server, signed in through demo sign-in: an answer other than 200 fails with its body. */
async function signInLea(): Promise<(path: string, init?: RequestInit) => Promise<Record<string, unknown>>> {
  const signIn = await fetch(`${server?.url}/api/demo/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: LEA }),
  });
  const { token } = (await signIn.json()) as { token: string };
  return async (path, init = {}) => {
    const response = await fetch(`${server?.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    });
    const body = await response.text();
    expect(response.status, `${path}: ${body}`).toBe(200);
    return JSON.parse(body) as Record<string, unknown>;
  };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>): Promise<T> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}:\n${server?.output() ?? ""}`);
}

type ListedEvent = {
  title: string;
  isAllDay: boolean;
  onlineUrl: string | null;
  outlook: { calendarId: string | null; seriesMasterId: string | null } | null;
};

/** Léa's Outlook events of the weeks around now, which hold the demo week whatever the day. */
async function outlookEventsAroundNow(api: Awaited<ReturnType<typeof signInLea>>): Promise<ListedEvent[]> {
  const from = new Date(Date.now() - 8 * 86_400_000).toISOString();
  const to = new Date(Date.now() + 15 * 86_400_000).toISOString();
  const { events } = (await api(`/api/calendar/events?sources=outlook&from=${from}&to=${to}`)) as {
    events: ListedEvent[];
  };
  return events;
}

/**
 * "Importer les événements" as the settings page follows it: asked for, then waited for (bounded) until its run, or
 * the import already waiting that took it in, has ended.
 */
async function importAndWait(api: Awaited<ReturnType<typeof signInLea>>): Promise<void> {
  type Run = { id: string; kind: string; status: string };
  const importRuns = async () =>
    ((await api("/api/calendar/sync/runs?limit=50")) as { runs: Run[] }).runs.filter(({ kind }) => kind === "import");
  const before = new Set((await importRuns()).map(({ id }) => id));
  const { runId } = (await api("/api/calendar/outlook/import", { method: "POST" })) as { runId: string | null };
  for (let waited = 0; waited < 300; waited++) {
    const ended = (await importRuns()).find(
      ({ id, status }) => status !== "running" && (runId ? id === runId : !before.has(id)),
    );
    if (ended) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the import asked for did not end");
}

const titled = (events: ListedEvent[], title: string) => events.filter((event) => event.title === title);

/** The demo week in Léa's mailbox: five events in her calendar (the weekly meeting as one series), one in "Personnel". */
const DEMO_WEEK_IN_OUTLOOK = 6;

/** What Léa keeps in her Outlook herself, apart from the formations Agenda sent there (they carry its tag). */
async function leasOwnOutlookEvents(sandboxUrl: string): Promise<SandboxMailboxEvent[]> {
  return (await sandboxMailboxEvents({ url: sandboxUrl }, LEA)).filter(
    ({ singleValueExtendedProperties }) => !singleValueExtendedProperties?.length,
  );
}

describe("the demo across a restart", () => {
  let firstSandboxUrl = "";

  it(
    "fills Léa's Outlook with a working week, which her first import brings into the agenda",
    { timeout: 120_000 },
    async () => {
      ({ sandboxUrl: firstSandboxUrl } = await startDemo());
      try {
        const api = await signInLea();
        const { url } = (await api("/api/calendar/outlook/auth-url")) as { url: string };
        const { response } = await signInThroughAuthorizePage(url, { userPrincipalName: LEA });
        await api("/api/calendar/outlook/callback", {
          method: "POST",
          body: JSON.stringify(Object.fromEntries(response)),
        });
        await importAndWait(api);

        const imported = await outlookEventsAroundNow(api);
        expect(new Set(imported.map(({ title }) => title))).toEqual(
          new Set([
            "Point d'équipe hebdomadaire",
            "Bilan de formation avec Hexaplan",
            "Salon Learning Technologies France",
            "Revue du catalogue de formations",
            "Déjeuner d'équipe",
          ]),
        );
        const weekly = titled(imported, "Point d'équipe hebdomadaire");
        expect(weekly.length).toBeGreaterThanOrEqual(2);
        expect(weekly[0]?.outlook?.seriesMasterId).toEqual(expect.any(String));
        expect(new Set(weekly.map(({ outlook }) => outlook?.seriesMasterId)).size).toBe(1);
        expect(titled(imported, "Salon Learning Technologies France")).toEqual([
          expect.objectContaining({ isAllDay: true }),
        ]);
        expect(titled(imported, "Bilan de formation avec Hexaplan")).toEqual([
          expect.objectContaining({ onlineUrl: expect.stringMatching(/^https:\/\/teams\.microsoft\.com\//) }),
        ]);
        expect(titled(imported, "Revue du catalogue de formations")).toHaveLength(1);
        expect(titled(imported, "Déjeuner d'équipe")).toHaveLength(1);

        // The appointment kept in another calendar arrives once that calendar is imported too.
        const calendars = (await api("/api/calendar/outlook/calendars")) as unknown as Array<{
          id: string;
          name: string;
        }>;
        expect(calendars.map(({ name }) => name).sort()).toEqual(["Calendar", "Personnel"]);
        await api("/api/calendar/integrations/outlook/settings", {
          method: "PUT",
          body: JSON.stringify({ importCalendarIds: calendars.map(({ id }) => id) }),
        });
        await importAndWait(api);
        const personal = calendars.find(({ name }) => name === "Personnel");
        expect(titled(await outlookEventsAroundNow(api), "Rendez-vous chez le dentiste")).toEqual([
          expect.objectContaining({ outlook: expect.objectContaining({ calendarId: personal?.id }) }),
        ]);
        expect(await leasOwnOutlookEvents(firstSandboxUrl)).toHaveLength(DEMO_WEEK_IN_OUTLOOK);
      } finally {
        await server?.stop();
      }
    },
  );

  it(
    "keeps Léa's import, export and notifications working after the restart, with no reconnect and no second demo week",
    { timeout: 120_000 },
    async () => {
      const restartedAt = new Date();
      const { sandboxUrl } = await startDemo();
      const api = await signInLea();

      await importAndWait(api);
      expect(await leasOwnOutlookEvents(sandboxUrl)).toHaveLength(DEMO_WEEK_IN_OUTLOOK);
      expect(titled(await outlookEventsAroundNow(api), "Revue du catalogue de formations")).toHaveLength(1);

      const [excel] = await database()
        .db.select({ id: formations.id, title: formations.title })
        .from(formations)
        .where(eq(formations.externalId, "demo-formation-excel"));
      if (!excel) throw new Error("the demo seed makes the Excel formation");
      await api("/api/calendar/outlook/export-formation", {
        method: "POST",
        body: JSON.stringify({ formationId: excel.id }),
      });
      expect((await sandboxMailboxEvents({ url: sandboxUrl }, LEA)).map(({ subject }) => subject)).toContain(
        excel.title,
      );

      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      await sandboxAdmin({ url: sandboxUrl }, "POST", `/mailboxes/${LEA}/events`, {
        events: [
          {
            subject: "Ajouté dans Outlook après le redémarrage",
            start: { dateTime: `${tomorrow}T14:00:00`, timeZone: "UTC" },
            end: { dateTime: `${tomorrow}T15:00:00`, timeZone: "UTC" },
          },
        ],
      });
      await waitFor(
        "the Outlook event in events.list",
        async () => titled(await outlookEventsAroundNow(api), "Ajouté dans Outlook après le redémarrage").length > 0,
      );
      const notified = await database()
        .db.select()
        .from(syncRuns)
        .where(and(eq(syncRuns.trigger, "notification"), gt(syncRuns.startedAt, restartedAt)));
      expect(notified.length).toBeGreaterThan(0);
      expect(sandboxUrl).toBe(firstSandboxUrl);
    },
  );

  it(
    "refuses to start when another program took the sandbox's port, and says how to free it or choose another",
    { timeout: 60_000 },
    async () => {
      await server?.stop();
      const port = Number(new URL(firstSandboxUrl).port);
      const squatter = createServer().listen(port, "127.0.0.1");
      await once(squatter, "listening");
      try {
        const { code, output } = await runServerExpectingFailure(env);
        expect(code).toBe(1);
        expect(output).toContain(`cannot listen on 127.0.0.1:${port}`);
        expect(output).toContain(`lsof -nP -iTCP:${port}`);
        expect(output).toContain("set SANDBOX_PORT to another port");
      } finally {
        squatter.close();
      }
    },
  );
});
