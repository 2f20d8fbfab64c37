/**
 * Export benchmark (issue 5, "Must show"): 1,000 formations exported to one mailbox, against a throw-away PostgreSQL
 * and a sandbox on its own thread with Outlook's throttling on. Prints the `$batch` requests (target ≤ 50), whether
 * more than 4 requests were ever in flight at the mailbox (target: never; every sub-request counts, the batch envelope
 * does not) and the wall time; then the same for updating and cancelling all of them (cancelled copies stay, marked).
 */
import { enrollments, formationSessions, formations } from "@agenda/db/schema";
import { alignFormationEvents } from "@agenda/domain/formations";
import { ensureUser } from "@agenda/domain/users";
import { inArray, sql } from "drizzle-orm";
import { exportFormations } from "../src/export/formation-writes";
import type { ExportCounts } from "../src/export/outlook-writes";
import { isBatchEnvelope, peakConcurrentRequests, type LoggedRequest } from "../src/testing/sandbox-request-log";
import { runSync } from "../src/runs/sync-run";
import { startBenchEnvironment, type BenchEnvironment } from "./bench-environment";

const FORMATIONS = 1_000;
const PLATFORM_URL = "https://platform.example.test";

const verdict = (ok: boolean): string => (ok ? "OK" : "MISSED");

/** Formations the mailbox's user learns in, written in bulk, then mirrored into the agenda by the domain's own rule. */
async function scheduleFormations(environment: BenchEnvironment, mailbox: string): Promise<string[]> {
  const { db } = environment;
  const learner = await ensureUser(db, {
    platformUserId: `test-${mailbox}`,
    email: mailbox,
    name: mailbox,
    role: "learner",
  });
  const first = Date.UTC(2027, 0, 4, 8);
  const rows = await db
    .insert(formations)
    .values(
      Array.from({ length: FORMATIONS }, (_, n) => ({
        title: `Formation ${n}`,
        description: `Session ${n}: bring your laptop.`,
        location: n % 3 === 0 ? null : `Room ${n % 12}`,
        onlineUrl: n % 3 === 0 ? `https://meet.example.test/${n}` : null,
        startsAt: new Date(first + n * 6 * 3_600_000),
        endsAt: new Date(first + n * 6 * 3_600_000 + 2 * 3_600_000),
        timeZone: n % 2 === 0 ? "Europe/Paris" : "America/New_York",
      })),
    )
    .returning();
  await db.insert(enrollments).values(rows.map(({ id }) => ({ formationId: id, userId: learner.id })));
  // One session each, the formation's block.
  await db
    .insert(formationSessions)
    .values(rows.map(({ id, startsAt, endsAt }) => ({ formationId: id, position: 1, startsAt, endsAt })));
  await db.transaction(async (tx) => {
    for (const formation of rows) await alignFormationEvents(tx, formation);
  });
  return rows.map(({ id }) => id);
}

/** Changes every formation the way the domain does (new version, rows re-aligned). */
async function changeFormations(
  environment: BenchEnvironment,
  ids: string[],
  change: { title?: string; status?: "cancelled"; cancellationReason?: string },
): Promise<void> {
  await environment.db.transaction(async (tx) => {
    const changed = await tx
      .update(formations)
      .set({ ...change, version: sql`${formations.version} + 1`, updatedAt: new Date() })
      .where(inArray(formations.id, ids))
      .returning();
    for (const formation of changed) await alignFormationEvents(tx, formation);
  });
}

async function measuredExport(
  environment: BenchEnvironment,
  integrationId: string,
  mailbox: string,
  label: string,
): Promise<ExportCounts> {
  await environment.admin("DELETE", "/requests");
  const started = performance.now();
  const { result, stats } = await runSync(environment.services, integrationId, "export", "manual", (run) =>
    exportFormations(run, { platformUrl: PLATFORM_URL }),
  );
  const wallMs = performance.now() - started;
  const { value: log } = (await environment.admin("GET", `/requests?mailbox=${mailbox}`)) as { value: LoggedRequest[] };
  const batches = log.filter(isBatchEnvelope);
  const served = log.filter((entry) => !isBatchEnvelope(entry));
  const subRequests = served.filter(({ batchId }) => batchId).length;
  const refusedForConcurrency = served.filter(({ injected }) => injected === "throttled:concurrency").length;
  const envelopesAtOnce = environment.services.limiters.for(integrationId).peakInFlight;
  console.log(
    `${label}: ${result.created} created, ${result.updated} updated, ${result.deleted} deleted, ${result.failed} failed, ${stats.issues.length} issues`,
  );
  console.log(
    `    $batch requests ${batches.length} (target ≤ 50): ${verdict(batches.length <= 50)}; sub-requests ${subRequests}; other requests ${served.length - subRequests}`,
  );
  console.log(
    `    in flight (target ≤ 4): ${verdict(refusedForConcurrency === 0 && envelopesAtOnce === 1)}: the sandbox's 4-concurrent limit refused ${refusedForConcurrency} requests, ` +
      `at most ${envelopesAtOnce} request(s) of ours in flight at once (each $batch runs ≤ 4 sub-requests at a time); ` +
      `peak from the log's timestamps ${peakConcurrentRequests(served)} (an upper bound: thread preemption between the log's two clocks can overstate it)`,
  );
  const sandboxMs = batches.reduce((sum, { durationMs }) => sum + durationMs, 0);
  console.log(
    `    throttled (429) ${served.filter(({ status }) => status === 429).length}; wall time ${wallMs.toFixed(0)} ms, of which ${sandboxMs.toFixed(0)} ms inside the sandbox's $batch handling`,
  );
  return result;
}

const environment = await startBenchEnvironment();
try {
  const [target] = await environment.connectMailboxes(["bench-export"]);
  if (!target) throw new Error("no mailbox connected");
  const started = performance.now();
  const ids = await scheduleFormations(environment, target.mailbox);
  console.log(`scheduled ${ids.length} formations in ${(performance.now() - started).toFixed(0)} ms`);

  await measuredExport(environment, target.integrationId, target.mailbox, `export of ${FORMATIONS} formations`);
  const { value: events } = (await environment.admin("GET", `/mailboxes/${target.mailbox}/events`)) as {
    value: unknown[];
  };
  console.log(`    mailbox holds ${events.length} events: ${verdict(events.length === FORMATIONS)}`);

  await changeFormations(environment, ids, { title: "Renamed" });
  await measuredExport(environment, target.integrationId, target.mailbox, `update of ${FORMATIONS} formations`);

  await changeFormations(environment, ids, { status: "cancelled", cancellationReason: "Bench" });
  await measuredExport(environment, target.integrationId, target.mailbox, `cancellation of ${FORMATIONS} formations`);
  const { value: left } = (await environment.admin("GET", `/mailboxes/${target.mailbox}/events`)) as {
    value: Array<{ subject: string; showAs: string }>;
  };
  // Cancelled copies stay in Outlook, marked, so that people notice.
  const marked = left.filter(({ subject, showAs }) => subject.startsWith("Annulé : ") && showAs === "free").length;
  console.log(`    mailbox holds ${left.length} events, ${marked} marked cancelled: ${verdict(marked === FORMATIONS)}`);
} finally {
  await environment.stop();
}
