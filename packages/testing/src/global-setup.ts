import { randomUUID } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedPostgres } from "@agenda/db/embedded";
import { migrateDatabase } from "@agenda/db/migrate";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import "./provided-context";

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * Runs once per vitest run: uses the cluster the root `npm test` started (AGENDA_TEST_POSTGRES_URL) or starts
 * a throw-away embedded one, and migrates a template database every test file clones its own database from.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cleanups: Array<() => Promise<void>> = [];
  let adminUrl = process.env.AGENDA_TEST_POSTGRES_URL;
  if (!adminUrl) {
    const dir = await mkdtemp(join(tmpdir(), "agenda-test-pg-"));
    // The cluster runs as the `postgres` system user when tests run as root: it must reach its data dir.
    await chmod(dir, 0o755);
    const cluster = await startEmbeddedPostgres({ dataDir: join(dir, "data"), disposable: true });
    adminUrl = cluster.adminUrl;
    cleanups.push(async () => {
      await cluster.stop();
      await rm(dir, { recursive: true, force: true });
    });
  }

  const template = `template_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${template}`);
  await migrateDatabase(withDatabase(adminUrl, template));
  cleanups.unshift(async () => {
    await admin.unsafe(`drop database if exists ${template} with (force)`);
    await admin.end();
  });

  project.provide("agendaPostgres", { adminUrl, template });
  return async () => {
    for (const cleanup of cleanups) await cleanup();
  };
}
