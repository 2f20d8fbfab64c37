import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAuthenticator } from "@agenda/api";
import { createDatabase, type DatabaseConnection } from "@agenda/db/client";
import { startEmbeddedPostgres, type RunningPostgres } from "@agenda/db/embedded";
import { migrateDatabase } from "@agenda/db/migrate";
import { recordGraphAttempt, recordSyncRun } from "@agenda/observability/metrics";
import { capturingLogger } from "@agenda/observability/capturing-logger";
import { SyncQueue } from "@agenda/sync/sync-queue";
import { useTestDatabase } from "@agenda/testing/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "./app";
import { operationsRoutes } from "./operations";

const SECRET = "operations-test-secret-long-enough-for-hs256";
const METRICS_TOKEN = "metrics-token-for-the-operations-test";
const authenticator = createAuthenticator({ secret: SECRET });

describe("/readyz", () => {
  let dataDir: string;
  let postgres: RunningPostgres;
  let database: DatabaseConnection;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "agenda-readyz-"));
    postgres = await startEmbeddedPostgres({ dataDir: join(dataDir, "postgres"), disposable: true });
    await migrateDatabase(postgres.url);
    database = createDatabase(postgres.url, { max: 2 });
  }, 60_000);
  afterAll(async () => {
    await database.close();
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it(
    "fails naming the database while it is down and recovers by itself once it is back",
    { timeout: 60_000 },
    async () => {
      const queue = { accepting: true };
      const app = createApp({ db: database.db, authenticator, demo: null, outlook: null, sync: null, queue });
      const ready = await app.request("/readyz");
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: "ready",
        checks: { database: { ok: true }, migrations: { ok: true }, queue: { ok: true } },
      });

      await postgres.stop();
      const down = await app.request("/readyz");
      expect(down.status).toBe(503);
      const report = (await down.json()) as { checks: Record<string, { ok: boolean; reason?: string }> };
      expect(report.checks.database).toEqual({ ok: false, reason: "unreachable" });
      expect(report.checks.queue).toEqual({ ok: true });
      // Alive all along: an orchestrator restarts on /healthz, drains on /readyz.
      expect((await app.request("/healthz")).status).toBe(200);

      postgres = await startEmbeddedPostgres({
        dataDir: join(dataDir, "postgres"),
        port: postgres.port,
        disposable: true,
      });
      let back = await app.request("/readyz");
      for (let attempt = 0; attempt < 20 && back.status !== 200; attempt++) back = await app.request("/readyz");
      expect(back.status).toBe(200);
    },
  );

  it("fails once the job queue stops, so a draining process gets no new traffic", async () => {
    const queue = { accepting: false };
    const app = createApp({ db: database.db, authenticator, demo: null, outlook: null, sync: null, queue });
    const answer = await app.request("/readyz");
    expect(answer.status).toBe(503);
    expect(await answer.json()).toMatchObject({
      status: "unavailable",
      checks: { queue: { ok: false, reason: "stopped" } },
    });
  });

  it("fails when the database lacks a migration this build ships, and logs which", async () => {
    const [latest] = await database.db.$client.unsafe(
      "delete from drizzle.__drizzle_migrations where created_at = (select max(created_at) from drizzle.__drizzle_migrations) returning hash, created_at",
    );
    try {
      const { logger, text } = capturingLogger();
      const answer = await operationsRoutes({ db: database.db, logger }).request("/readyz");
      expect(answer.status).toBe(503);
      expect(await answer.json()).toMatchObject({ checks: { migrations: { ok: false, reason: "not_migrated" } } });
      expect(text()).toMatch(/migration \d{4}_\w+ is not applied/);
    } finally {
      await database.db
        .$client`insert into drizzle.__drizzle_migrations (hash, created_at) values (${latest?.hash as string}, ${latest?.created_at as string})`;
    }
  });

  it("answers with the failing check and its reason, and leaves the database's own words (user names, hosts) to the log", async () => {
    const wrongPassword = new URL(postgres.url);
    wrongPassword.password = "not-the-cluster-password";
    const refused = createDatabase(wrongPassword.toString(), { max: 1 });
    try {
      const { logger, text } = capturingLogger();
      const answer = await operationsRoutes({ db: refused.db, logger }).request("/readyz");
      expect(answer.status).toBe(503);
      const body = await answer.text();
      expect(JSON.parse(body)).toEqual({
        status: "unavailable",
        checks: { database: { ok: false, reason: "unreachable" }, migrations: { ok: false, reason: "unreachable" } },
      });
      expect(body).not.toMatch(/password|agenda/);
      expect(text()).toMatch(/password authentication failed for user \\"agenda\\"/);
    } finally {
      await refused.close();
    }
  });
});

describe("/metrics", () => {
  const database = useTestDatabase();
  let queue: SyncQueue;
  beforeAll(async () => {
    queue = await SyncQueue.start({ databaseUrl: database().url });
  });
  afterAll(() => queue.stop(1_000));

  it("refuses a scrape without the token, or when no token is configured", async () => {
    const app = createApp({
      db: database().db,
      authenticator,
      demo: null,
      outlook: null,
      sync: null,
      metricsToken: METRICS_TOKEN,
    });
    expect((await app.request("/metrics")).status).toBe(401);
    expect(
      (await app.request("/metrics", { headers: { authorization: "Bearer not-the-metrics-token-at-all" } })).status,
    ).toBe(401);
    const unconfigured = createApp({ db: database().db, authenticator, demo: null, outlook: null, sync: null });
    expect(
      (await unconfigured.request("/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status,
    ).toBe(401);
  });

  it("exposes sync runs, Graph requests, throttling, queues, subscriptions and integrations", async () => {
    const app = createApp({
      db: database().db,
      authenticator,
      demo: null,
      outlook: null,
      sync: null,
      metricsToken: METRICS_TOKEN,
    });
    await queue.enqueueImports(database().db, [randomUUID()], "manual");
    recordSyncRun("import", "manual", "succeeded", 1_200);
    recordGraphAttempt({
      method: "GET",
      url: "https://graph.test/v1.0/me/events",
      status: 429,
      durationMs: 5,
      requestId: null,
      retryInMs: 2_000,
    });
    recordGraphAttempt({
      method: "GET",
      url: "https://graph.test/v1.0/me/events",
      status: 200,
      durationMs: 5,
      requestId: null,
      retryInMs: undefined,
    });

    const answer = await app.request("/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await answer.text();
    expect(text).toMatch(/^agenda_sync_runs_total\{kind="import",trigger="manual",status="succeeded"\} [1-9]/m);
    expect(text).toMatch(
      /^agenda_sync_run_duration_seconds_bucket\{le="2.5",kind="import",status="succeeded"\} [1-9]/m,
    );
    expect(text).toMatch(/^agenda_graph_requests_total\{status="429"\} [1-9]/m);
    expect(text).toMatch(/^agenda_graph_requests_total\{status="200"\} [1-9]/m);
    expect(text).toMatch(/^agenda_graph_throttled_total [1-9]/m);
    expect(text).toMatch(/^agenda_graph_retry_wait_seconds_sum\{status="429"\} \d/m);
    expect(text).toMatch(/^agenda_metrics_database_up 1$/m);
    expect(text).toMatch(/^agenda_queue_jobs\{queue="outlook-import",state="created"\} 1$/m);
    expect(text).toMatch(/^agenda_queue_jobs\{queue="outlook-export",state="created"\} 0$/m);
    expect(text).toMatch(/^agenda_queue_oldest_job_age_seconds\{queue="outlook-import"\} \d/m);
    expect(text).toMatch(/^agenda_queue_oldest_job_age_seconds\{queue="outlook-export"\} 0$/m);
    expect(text).toMatch(/^agenda_subscriptions_expiring_24h 0$/m);
    expect(text).toMatch(/^agenda_integrations\{status="active"\} 0$/m);
  });
});
