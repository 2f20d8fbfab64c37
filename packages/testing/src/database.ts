import { randomUUID } from "node:crypto";
import { createDatabase, type Database } from "@agenda/db/client";
import postgres from "postgres";
import { afterAll, beforeAll, inject } from "vitest";
import "./provided-context";

export interface TestDatabase {
  url: string;
  db: Database;
  drop(): Promise<void>;
}

/** A database of its own for one test file, cloned from the migrated template: files never see each other's rows. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { adminUrl, template } = inject("agendaPostgres");
  const name = `test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${template}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const connection = createDatabase(url.toString(), { max: 5 });
  return {
    url: url.toString(),
    db: connection.db,
    async drop() {
      await connection.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Registers a fresh database for the current test file and returns a getter for it. */
export function useTestDatabase(): () => TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  return () => {
    if (!database) throw new Error("useTestDatabase(): the database is created in beforeAll; read it inside a test.");
    return database;
  };
}
