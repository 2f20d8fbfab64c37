/**
 * Formation sessions benchmark (issue 16, "Must show"): the upsert of a formation with 1,000 learners × 3 sessions as
 * `formations.upsert` runs it (domain upsert + the exports queued in the same transaction), against a throw-away
 * PostgreSQL and a sandbox on its own thread with Outlook's throttling on. Prints the request time, the queue round
 * trips, and the export that follows for the learners who connected Outlook ($batch requests, time, throttled
 * requests: target 0); then a move of one session (one PATCH per mailbox) and an identical re-upsert (target: no Graph
 * request at all). BENCH_CONNECTED (default 100) of the 1,000 learners have Outlook connected.
 */
import { agendaEvents } from "@agenda/db/schema";
import { upsertFormation, upsertFormationInput, type Formation } from "@agenda/domain/formations";
import type { Viewer } from "@agenda/domain/viewer";
import { and, eq, isNull, sql } from "drizzle-orm";
import { exportFormations } from "../src/export/formation-writes";
import type { ExportCounts } from "../src/export/outlook-writes";
import { runSync } from "../src/runs/sync-run";
import { startSync } from "../src/start-sync";
import { isBatchEnvelope, type LoggedRequest } from "../src/testing/sandbox-request-log";
import { startBenchEnvironment } from "./bench-environment";

const LEARNERS = 1_000;
const CONNECTED = Number(process.env.BENCH_CONNECTED ?? 100);
/** Exports running at once, as the worker's queue runs them. */
const EXPORT_CONCURRENCY = 4;
const PLATFORM_URL = "https://platform.example.test";
const platform: Viewer = {
  kind: "service",
  serviceTokenId: "bench",
  serviceName: "bench",
  scopes: ["formations:write"],
};

const verdict = (ok: boolean): string => (ok ? "OK" : "MISSED");

const environment = await startBenchEnvironment({ throttling: { enabled: true } });
const sync = await startSync({
  outlook: environment.services,
  databaseUrl: environment.databaseUrl,
  platformUrl: PLATFORM_URL,
  work: false,
});
try {
  let started = performance.now();
  const names = Array.from({ length: CONNECTED }, (_, n) => `learner-${n}`);
  const connected = await environment.connectMailboxes(names);
  console.log(`connected ${connected.length} mailboxes in ${(performance.now() - started).toFixed(0)} ms`);
  // The connected learners as the platform names them (connectTestUser's identities), then those without Outlook.
  const learners = [
    ...connected.map(({ mailbox }) => ({ platformUserId: `test-${mailbox}`, email: mailbox, name: mailbox })),
    ...Array.from({ length: LEARNERS - CONNECTED }, (_, n) => ({
      platformUserId: `bench-learner-${n}`,
      email: `bench-learner-${n}@example.test`,
      name: `Learner ${n}`,
    })),
  ];

  // Every enqueue is one statement (SyncQueue writes a call's jobs at once): counting calls counts round trips.
  let enqueueCalls = 0;
  let jobsQueued = 0;
  const enqueueExports = sync.queue.enqueueExports.bind(sync.queue);
  sync.queue.enqueueExports = async (db, integrationIds, trigger) => {
    enqueueCalls++;
    const ids = await enqueueExports(db, integrationIds, trigger);
    jobsQueued += ids.length;
    return ids;
  };

  /** What `formations.upsert` does: the formation, its agenda rows and its exports, in one transaction. */
  async function upsert(input: Record<string, unknown>, label: string): Promise<Formation> {
    enqueueCalls = 0;
    jobsQueued = 0;
    const parsed = upsertFormationInput.parse(input);
    const begun = performance.now();
    const formation = await environment.db.transaction(async (tx) => {
      const saved = await upsertFormation(tx, platform, parsed);
      await sync.engine.formationChanged(tx, saved.id);
      return saved;
    });
    console.log(
      `${label}: request ${(performance.now() - begun).toFixed(0)} ms; queue: ${enqueueCalls} round trip(s), ${jobsQueued} export job(s) queued`,
    );
    return formation;
  }

  async function exportAll(label: string): Promise<LoggedRequest[]> {
    await environment.admin("DELETE", "/requests");
    const totals: ExportCounts = { created: 0, updated: 0, deleted: 0, failed: 0 };
    let throttledRetries = 0;
    const begun = performance.now();
    const queue = [...connected];
    await Promise.all(
      Array.from({ length: EXPORT_CONCURRENCY }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const { result, stats } = await runSync(environment.services, next.integrationId, "export", "change", (run) =>
            exportFormations(run, { platformUrl: PLATFORM_URL }),
          );
          for (const key of ["created", "updated", "deleted", "failed"] as const) totals[key] += result[key];
          throttledRetries += stats.throttled;
        }
      }),
    );
    const wallMs = performance.now() - begun;
    const { value: log } = (await environment.admin("GET", "/requests")) as { value: LoggedRequest[] };
    const graphRequests = log.filter((entry) => !isBatchEnvelope(entry));
    const throttled = graphRequests.filter(({ status }) => status === 429).length;
    console.log(
      `    ${label}: ${connected.length} mailboxes, ${totals.created} created, ${totals.updated} updated, ${totals.deleted} deleted, ${totals.failed} failed in ${wallMs.toFixed(0)} ms`,
    );
    console.log(
      `    $batch requests ${log.filter(isBatchEnvelope).length}; Graph requests ${graphRequests.length}; throttled (429) ${throttled} (target 0): ${verdict(throttled === 0)}; throttled retries ${throttledRetries}`,
    );
    return log;
  }

  const sessions = [
    { startsAt: "2027-03-01T09:00:00+01:00", endsAt: "2027-03-01T17:00:00+01:00" },
    { startsAt: "2027-03-02T09:00:00+01:00", endsAt: "2027-03-02T17:00:00+01:00" },
    { startsAt: "2027-03-03T09:00:00+01:00", endsAt: "2027-03-03T17:00:00+01:00" },
  ];
  const base = {
    externalId: "bench-three-days",
    title: "Excel avancé",
    description: "Trois jours, salle 3.",
    location: "Salle 3",
    timeZone: "Europe/Paris",
    learners,
  };

  started = performance.now();
  const created = await upsert({ ...base, sessions }, `upsert of ${LEARNERS} learners × ${sessions.length} sessions`);
  const [{ rows } = { rows: 0 }] = await environment.db
    .select({ rows: sql<number>`count(*)::int` })
    .from(agendaEvents)
    .where(and(eq(agendaEvents.formationId, created.id), isNull(agendaEvents.deletedAt)));
  console.log(
    `    agenda rows ${rows} (target ${LEARNERS * sessions.length}): ${verdict(rows === LEARNERS * sessions.length)}`,
  );
  await exportAll("export that follows");
  const mailboxes = await Promise.all(
    connected.map(
      async ({ mailbox }) =>
        ((await environment.admin("GET", `/mailboxes/${mailbox}/events`)) as { value: unknown[] }).value.length,
    ),
  );
  console.log(`    every mailbox holds 3 events: ${verdict(mailboxes.every((count) => count === 3))}`);

  const kept = created.sessions.map(({ id, startsAt, endsAt }) => ({ id, startsAt, endsAt }));
  const moved = kept.map((session, index) =>
    index === 1 ? { ...session, startsAt: "2027-03-02T13:00:00+01:00", endsAt: "2027-03-02T18:00:00+01:00" } : session,
  );
  await upsert({ ...base, sessions: moved }, "move of session 2");
  const moveLog = await exportAll("export of the move");
  const patches = moveLog.filter(({ method }) => method === "PATCH").length;
  console.log(
    `    PATCH requests ${patches} (target ${CONNECTED}, one per mailbox): ${verdict(patches === CONNECTED)}`,
  );

  await upsert({ ...base, sessions: moved }, "identical re-upsert");
  const sameLog = await exportAll("export after the identical re-upsert");
  console.log(`    Graph requests ${sameLog.length} (target 0): ${verdict(sameLog.length === 0)}`);
} finally {
  await sync.stop(5_000);
  await environment.stop();
}
