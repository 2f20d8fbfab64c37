/**
 * Import benchmarks (issue 5, "Must show"), against a throw-away PostgreSQL and a sandbox on its own thread (Outlook's
 * throttling on):
 *  (a) initial import of one mailbox of 10,000 events: Graph requests (target ≤ pages + 2) and wall time (< 5 s);
 *  (b) incremental sync after 10 changes in that mailbox: one delta round (< 200 ms);
 *  (c) 200 mailboxes of 1,000 events synced one after the other by one process: total time, peak RSS, and the heap
 *      left after each mailbox, which must not grow with the mailboxes done;
 *  (d) live heap while a mailbox is fully re-read, 1,000 events against 10,000: it must not grow with the events.
 */
import { getHeapStatistics } from "node:v8";
import { importIntegration } from "../src/import/import-integration";
import { runSync } from "../src/runs/sync-run";
import { benchEvents, megabytes, seedMailbox, startBenchEnvironment, type BenchEnvironment } from "./bench-environment";

const BIG_MAILBOX_EVENTS = 10_000;
const MAILBOXES = 200;
const EVENTS_PER_MAILBOX = 1_000;

/**
 * A mailbox of 1,000 events as people have them: 200 one-off meetings and 4 daily series of 200 occurrences each.
 * Seeded as 204 items, so that 200 mailboxes seed in seconds; delta returns the occurrences as 1,000 events.
 */
function mailboxOfAThousand(prefix: string): Array<Record<string, unknown>> {
  const firstDay = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const series = ["08", "11", "14", "17"].map((hour) => ({
    subject: `${prefix} daily ${hour}h`,
    body: { contentType: "text", content: "Stand-up" },
    start: { dateTime: `${firstDay}T${hour}:00:00`, timeZone: "Romance Standard Time" },
    end: { dateTime: `${firstDay}T${hour}:30:00`, timeZone: "Romance Standard Time" },
    recurrence: {
      pattern: { type: "daily", interval: 1 },
      range: {
        type: "numbered",
        startDate: firstDay,
        numberOfOccurrences: 200,
        recurrenceTimeZone: "Romance Standard Time",
      },
    },
  }));
  return [...benchEvents(200, prefix), ...series];
}

const gc = (globalThis as { gc?: () => void }).gc;
const heapUsed = (): number => getHeapStatistics().used_heap_size;

/**
 * The most heap `work` keeps alive at once: a full collection every 20 ms, so that garbage not yet collected does not
 * count. Slows `work` down: never timed.
 */
async function peakLiveHeap(work: () => Promise<unknown>): Promise<number> {
  if (!gc) throw new Error("run with --expose-gc (npm run bench does)");
  gc();
  let peak = heapUsed();
  const sampler = setInterval(() => {
    gc();
    peak = Math.max(peak, heapUsed());
  }, 20);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return peak;
}

function importNow(environment: BenchEnvironment, integrationId: string) {
  return runSync(environment.services, integrationId, "import", "manual", (run) => importIntegration(run));
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const verdict = (ok: boolean): string => (ok ? "OK" : "MISSED");
const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

const environment = await startBenchEnvironment();
try {
  // (a) Initial import of a 10,000-event mailbox.
  const [big] = await environment.connectMailboxes(["bench-big"]);
  if (!big) throw new Error("no mailbox");
  let started = performance.now();
  const ids = await seedMailbox(environment, big.mailbox, benchEvents(BIG_MAILBOX_EVENTS, "Big"));
  console.log(`seeded ${ids.length} events in ${seconds(performance.now() - started)}`);

  started = performance.now();
  const initial = await importNow(environment, big.integrationId);
  const initialMs = performance.now() - started;
  const pages = initial.result.calendars.reduce((sum, calendar) => sum + calendar.pages, 0);
  console.log(
    `(a) initial import of ${BIG_MAILBOX_EVENTS} events: ${initial.result.created} created, ${pages} delta pages`,
  );
  console.log(
    `    Graph requests ${initial.stats.requests} (target ≤ pages + 2 = ${pages + 2}): ${verdict(initial.stats.requests <= pages + 2)}`,
  );
  console.log(`    wall time ${seconds(initialMs)} (target < 5 s): ${verdict(initialMs < 5_000)}`);

  // (b) Incremental sync after 10 changes: 4 edits, 3 deletions, 3 creations.
  for (const id of ids.slice(0, 4))
    await environment.admin("PATCH", `/mailboxes/${big.mailbox}/events/${id}`, { subject: "Edited in Outlook" });
  for (const id of ids.slice(100, 103)) await environment.admin("DELETE", `/mailboxes/${big.mailbox}/events/${id}`);
  await seedMailbox(environment, big.mailbox, benchEvents(3, "Late addition", 30));
  started = performance.now();
  const incremental = await importNow(environment, big.integrationId);
  const incrementalMs = performance.now() - started;
  const { created, updated, deleted, calendars } = incremental.result;
  console.log(`(b) incremental sync after 10 changes: ${created} created, ${updated} updated, ${deleted} deleted`);
  console.log(
    `    delta rounds ${calendars.length}, pages ${calendars[0]?.pages}, Graph requests ${incremental.stats.requests} (the default calendar's lookup included)`,
  );
  console.log(`    wall time ${incrementalMs.toFixed(0)} ms (target < 200 ms): ${verdict(incrementalMs < 200)}`);

  // (c) 200 mailboxes of 1,000 events, one after the other.
  started = performance.now();
  const mailboxes = await environment.connectMailboxes(Array.from({ length: MAILBOXES }, (_, n) => `bench-${n}`));
  console.log(`connected ${MAILBOXES} mailboxes in ${seconds(performance.now() - started)}`);
  started = performance.now();
  for (const { mailbox } of mailboxes) await seedMailbox(environment, mailbox, mailboxOfAThousand(mailbox));
  console.log(`seeded ${MAILBOXES * EVENTS_PER_MAILBOX} events in ${seconds(performance.now() - started)}`);

  const perMailbox: Array<{ ms: number; heapAfter: number; requests: number; pages: number; created: number }> = [];
  started = performance.now();
  for (const { integrationId } of mailboxes) {
    const begun = performance.now();
    const run = await importNow(environment, integrationId);
    const ms = performance.now() - begun;
    // One collection per mailbox (outside its timing): what a mailbox leaves behind, not its garbage.
    gc?.();
    perMailbox.push({
      ms,
      heapAfter: heapUsed(),
      requests: run.stats.requests,
      pages: run.result.calendars[0]?.pages ?? 0,
      created: run.result.created,
    });
  }
  const totalMs = performance.now() - started;
  const sum = (pick: (entry: (typeof perMailbox)[number]) => number) =>
    perMailbox.reduce((total, entry) => total + pick(entry), 0);
  console.log(
    `(c) ${MAILBOXES} mailboxes × ${EVENTS_PER_MAILBOX} events, one after the other: ${sum(({ created }) => created)} events imported in ${seconds(totalMs)}`,
  );
  console.log(`    Graph requests ${sum(({ requests }) => requests)} for ${sum(({ pages }) => pages)} delta pages`);
  console.log(
    `    per mailbox: mean ${mean(perMailbox.map(({ ms }) => ms)).toFixed(0)} ms, slowest ${Math.max(...perMailbox.map(({ ms }) => ms)).toFixed(0)} ms`,
  );
  console.log(
    `    heap left after a mailbox: first 10 ${megabytes(mean(perMailbox.slice(0, 10).map(({ heapAfter }) => heapAfter)))}, ` +
      `last 10 ${megabytes(mean(perMailbox.slice(-10).map(({ heapAfter }) => heapAfter)))}`,
  );
  console.log(
    `    process peak RSS ${megabytes(process.resourceUsage().maxRSS * 1024)} (the sandbox thread and its ${MAILBOXES * EVENTS_PER_MAILBOX + BIG_MAILBOX_EVENTS} events included)`,
  );

  // (d) Live heap during a full re-read (cursor rejected, every event read and upserted again): 1,000 vs 10,000 events.
  const fullReread = async (mailbox: string, integrationId: string) => {
    await environment.admin("POST", "/faults/expire-delta-tokens", { mailbox });
    return peakLiveHeap(() => importNow(environment, integrationId));
  };
  const [small] = mailboxes;
  if (!small) throw new Error("no mailbox");
  const smallPeak = await fullReread(small.mailbox, small.integrationId);
  const bigPeak = await fullReread(big.mailbox, big.integrationId);
  console.log(
    `(d) peak live heap re-reading a mailbox: ${EVENTS_PER_MAILBOX} events ${megabytes(smallPeak)}, ${BIG_MAILBOX_EVENTS} events ${megabytes(bigPeak)}`,
  );
} finally {
  await environment.stop();
}
