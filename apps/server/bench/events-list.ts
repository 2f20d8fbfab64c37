// Benchmark: latency of `events.list` for one month, over HTTP, with 100,000 events spread over 1,000 users.
// Target: p99 under 15 ms on the 2-core reference machine. Runs on a throw-away embedded PostgreSQL.
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { serve } from "@hono/node-server";
import { createAuthenticator, signSessionToken } from "@agenda/api";
import { users } from "@agenda/db/schema";
import { sql } from "drizzle-orm";
import { createApp } from "../src/app";
import { percentile, throwAwayDatabase } from "./bench-database";

const USERS = 1_000;
const EVENTS_PER_USER = 100;
const WARMUP_REQUESTS = 300;
const MEASURED_REQUESTS = 3_000;
const SECRET = "benchmark-secret-long-enough-for-hs256-signing";

const { db, dispose } = await throwAwayDatabase();

const seedStart = performance.now();
await db.execute(sql`
  insert into users (platform_user_id, email, name, role)
  select 'bench-' || n, 'bench-' || n || '@example.test', 'Bench user ' || n, 'learner' from generate_series(1, ${USERS}) as n`);
// Each user's events spread over 2026, one to three hours long, at working hours.
await db.execute(sql`
  insert into agenda_events (owner_id, source, title, starts_at, ends_at, time_zone)
  select u.id, 'platform', 'Event ' || e.n,
         timestamptz '2026-01-01 08:00:00+00' + (e.n * 3.65 || ' days')::interval + ((e.n % 9) || ' hours')::interval,
         timestamptz '2026-01-01 08:00:00+00' + (e.n * 3.65 || ' days')::interval + ((e.n % 9) + 1 + e.n % 3 || ' hours')::interval,
         'Europe/Paris'
  from users u cross join generate_series(1, ${EVENTS_PER_USER}) as e(n)`);
await db.execute(sql`analyze`);
const [{ count } = { count: 0 }] = (await db.execute<{ count: number }>(
  sql`select count(*)::int as count from agenda_events`,
)) as unknown as { count: number }[];
console.log(`seeded ${count} events over ${USERS} users in ${Math.round(performance.now() - seedStart)} ms`);

const app = createApp({
  db,
  authenticator: createAuthenticator({ secret: SECRET }),
  demo: null,
  outlook: null,
  sync: null,
});
const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
await new Promise((resolve) => server.once("listening", resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const everyone = await db.select().from(users);
const tokens = await Promise.all(everyone.map((user) => signSessionToken(SECRET, user)));

async function listOneMonth(i: number): Promise<number> {
  const month = i % 12;
  const from = new Date(Date.UTC(2026, month, 1)).toISOString();
  const to = new Date(Date.UTC(2026, month + 1, 1)).toISOString();
  const input = encodeURIComponent(JSON.stringify({ from, to }));
  const started = performance.now();
  const response = await fetch(`${origin}/trpc/events.list?input=${input}`, {
    headers: { authorization: `Bearer ${tokens[i % tokens.length]}` },
  });
  const body = (await response.json()) as { result?: { data: unknown[] } };
  if (!response.ok || !body.result) throw new Error(`events.list answered ${response.status}`);
  return performance.now() - started;
}

async function measure(concurrency: number): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < MEASURED_REQUESTS) latencies.push(await listOneMonth(next++ * 7919));
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), seconds: (performance.now() - started) / 1000 };
}

for (let i = 0; i < WARMUP_REQUESTS; i++) await listOneMonth(i);
for (const concurrency of [1, 4]) {
  const { latencies, seconds } = await measure(concurrency);
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  console.log(
    `events.list, one month, ${MEASURED_REQUESTS} requests, concurrency ${concurrency}: ` +
      `p50 ${p50.toFixed(2)} ms, p90 ${percentile(latencies, 90).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${latencies.at(-1)?.toFixed(2)} ms, ` +
      `${Math.round(MEASURED_REQUESTS / seconds)} req/s` +
      (concurrency === 1 ? ` — target p99 < 15 ms: ${p99 < 15 ? "met" : "NOT met"}` : ""),
  );
}

server.close();
await dispose();
