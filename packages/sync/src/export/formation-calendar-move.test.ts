import { agendaEvents } from "@agenda/db/schema";
import type { User } from "@agenda/domain/users";
import type { RetrySettings } from "@agenda/graph/graph-middleware";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { updateOutlookSettings } from "../connection/integrations";
import { runSync } from "../runs/sync-run";
import { connectTestUser } from "../testing/connect";
import { scheduleExcelFormation } from "../testing/formations";
import { formationIdOf, mailboxOf, useTestMailboxes } from "../testing/mailboxes";
import { exportFormations } from "./formation-writes";

const { database, services, admin, mailboxEvents } = useTestMailboxes(["mover", "remover", "keeper"]);
const PLATFORM_URL = "https://platform.example.test/learning";
/** Few, quick attempts: injected faults outlast a run now and then, and the next run must finish the job. */
const SHORT_RETRY = { maxAttempts: 2, maxThrottledAttempts: 2, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 200 };
const SHORT_GRAPH_RETRY: RetrySettings = {
  maxAttempts: 2,
  baseDelayMs: 5,
  maxDelayMs: 20,
  maxRetryAfterMs: 200,
  timeoutMs: 5_000,
  networkBudgetMs: 500,
};

async function runExport(integrationId: string) {
  return runSync(
    services(),
    integrationId,
    "export",
    "schedule",
    (run) => exportFormations(run, { platformUrl: PLATFORM_URL, retry: SHORT_RETRY }),
    SHORT_GRAPH_RETRY,
  );
}

async function calendarsOf(name: string): Promise<{ main: string; other: string }> {
  const mailbox = mailboxOf(name);
  const { calendars } = (await admin("GET", `/mailboxes/${mailbox}`)) as {
    calendars: Array<{ id: string; isDefaultCalendar: boolean }>;
  };
  const { id: other } = (await admin("POST", `/mailboxes/${mailbox}/calendars`, { name: "Formations" })) as {
    id: string;
  };
  return { main: calendars.find(({ isDefaultCalendar }) => isDefaultCalendar)?.id ?? "", other };
}

/** How many copies of each formation each calendar holds. */
async function copiesByCalendar(name: string): Promise<Map<string, Map<string, number>>> {
  const copies = new Map<string, Map<string, number>>();
  for (const event of await mailboxEvents(name)) {
    const formationId = formationIdOf(event);
    if (!formationId) continue;
    const perFormation = copies.get(event.calendarId) ?? new Map<string, number>();
    perFormation.set(formationId, (perFormation.get(formationId) ?? 0) + 1);
    copies.set(event.calendarId, perFormation);
  }
  return copies;
}

async function formationRows(user: User) {
  return database()
    .db.select()
    .from(agendaEvents)
    .where(and(eq(agendaEvents.ownerId, user.id), eq(agendaEvents.source, "formation")));
}

async function scheduleFormations(user: User, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const start = new Date(Date.now() + (3 + index) * 86_400_000);
    start.setUTCHours(8, 0, 0, 0);
    const formation = await scheduleExcelFormation(database().db, user, `move-${user.id}-${index}`, {
      title: `Formation ${index}`,
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
    });
    ids.push(formation.id);
  }
  return ids.sort();
}

describe("changing the calendar that receives formations", () => {
  it("moves every copy under 20% injected faults: exactly one copy per formation at the end, never none on the way", async () => {
    const { user, integration } = await connectTestUser(services(), { name: "mover", mailbox: mailboxOf("mover") });
    const { main, other } = await calendarsOf("mover");
    const formationIds = await scheduleFormations(user, 16);
    expect((await runExport(integration.id)).result).toMatchObject({ created: 16, failed: 0 });
    expect([...((await copiesByCalendar("mover")).get(main)?.keys() ?? [])].sort()).toEqual(formationIds);

    const moved = await updateOutlookSettings(services(), user.id, { exportCalendarId: other });
    expect(moved.cleanup.formationCopiesMoved).toBe(16);

    await admin("PUT", "/faults", {
      seed: 20,
      errorRate: 0.2,
      errorStatuses: [429, 500, 502, 503, 504],
      retryAfterSeconds: 0.01,
      lostCreateRate: 0.2,
    });
    let runs = 0;
    let failedRuns = 0;
    try {
      for (; runs < 30; runs++) {
        try {
          await runExport(integration.id);
        } catch {
          // A run that failed outright (its calendar lookup ran out of attempts) is retried as its job would be.
          failedRuns++;
        }
        const copies = await copiesByCalendar("mover");
        // Never a formation without a copy: the old one goes only once the new one exists.
        for (const formationId of formationIds) {
          const held = (copies.get(main)?.get(formationId) ?? 0) + (copies.get(other)?.get(formationId) ?? 0);
          expect(held, `copies of ${formationId} after run ${runs + 1}`).toBeGreaterThanOrEqual(1);
        }
        const rows = await formationRows(user);
        const settled = rows.every(
          (row) => row.strayGraphEventIds.length === 0 && row.graphCalendarId === other && row.syncStatus === "synced",
        );
        if (settled) break;
      }
    } finally {
      await admin("PUT", "/faults", {});
    }
    expect(runs, "export runs before the move converged").toBeLessThan(30);

    const copies = await copiesByCalendar("mover");
    expect(copies.get(main)?.size ?? 0).toBe(0);
    expect([...(copies.get(other)?.entries() ?? [])].sort()).toEqual(formationIds.map((id) => [id, 1]));
    const rows = await formationRows(user);
    const events = await mailboxEvents("mover");
    for (const row of rows) {
      expect(events.find(({ immutableId }) => immutableId === row.graphEventId)?.calendarId).toBe(other);
    }
    // Faults did bite: requests failed, and creates were made whose answers were lost.
    const { value: log } = (await admin("GET", `/requests?mailbox=${mailboxOf("mover")}&limit=5000`)) as {
      value: Array<{ injected?: string | null }>;
    };
    expect(log.filter(({ injected }) => injected?.startsWith("fault:")).length).toBeGreaterThan(0);
    expect(log.filter(({ injected }) => injected === "fault:lost-create-response").length).toBeGreaterThan(0);
    console.info(`calendar move under 20% faults: converged after ${runs + 1} export runs (${failedRuns} failed)`);
  });

  it("a move interrupted by turning export off (copies kept) leaves the old copies in place", async () => {
    const { user, integration } = await connectTestUser(services(), { name: "keeper", mailbox: mailboxOf("keeper") });
    const { main, other } = await calendarsOf("keeper");
    const formationIds = await scheduleFormations(user, 2);
    await runExport(integration.id);
    await updateOutlookSettings(services(), user.id, { exportCalendarId: other });
    await updateOutlookSettings(services(), user.id, { exportEnabled: false, removeExportedCopies: false });
    expect((await runExport(integration.id)).result).toMatchObject({ created: 0, deleted: 0 });
    expect([...((await copiesByCalendar("keeper")).get(main)?.keys() ?? [])].sort()).toEqual(formationIds);

    // Export on again: the move finishes.
    await updateOutlookSettings(services(), user.id, { exportEnabled: true });
    expect((await runExport(integration.id)).result).toMatchObject({ created: 2, deleted: 2, failed: 0 });
    const copies = await copiesByCalendar("keeper");
    expect(copies.get(main)?.size ?? 0).toBe(0);
    expect([...(copies.get(other)?.keys() ?? [])].sort()).toEqual(formationIds);
  });

  it("turning export off with the copies to remove deletes them from Outlook through the export", async () => {
    const { user, integration } = await connectTestUser(services(), {
      name: "remover",
      mailbox: mailboxOf("remover"),
    });
    await scheduleFormations(user, 3);
    await runExport(integration.id);
    expect(await mailboxEvents("remover")).toHaveLength(3);

    const off = await updateOutlookSettings(services(), user.id, { exportEnabled: false, removeExportedCopies: true });
    expect(off.cleanup.formationCopiesToRemove).toBe(3);
    expect((await runExport(integration.id)).result).toMatchObject({ created: 0, deleted: 3, failed: 0 });
    expect(await mailboxEvents("remover")).toHaveLength(0);
    expect(
      (await formationRows(user)).every((row) => row.graphEventId === null && row.strayGraphEventIds.length === 0),
    ).toBe(true);
    // Export stays off: nothing is created again.
    expect((await runExport(integration.id)).result).toMatchObject({ created: 0, deleted: 0 });
    expect(await mailboxEvents("remover")).toHaveLength(0);
  });
});
