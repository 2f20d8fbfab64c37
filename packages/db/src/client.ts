import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema/index";

export interface DatabaseOptions {
  /** Connections in the pool. */
  max?: number;
}

function connect(url: string, options: DatabaseOptions = {}) {
  const sql = postgres(url, { max: options.max ?? 10, onnotice: () => {}, connection: { application_name: "agenda" } });
  const db = drizzle({ client: sql, schema, casing: "snake_case" });
  return { db, sql };
}

export type Database = ReturnType<typeof connect>["db"];
/** A database handle or an open transaction: domain functions accept either. */
export type DatabaseOrTransaction = Database | Parameters<Parameters<Database["transaction"]>[0]>[0];

export interface DatabaseConnection {
  db: Database;
  /** Closes the pool, waiting up to 5 s for running queries. */
  close(): Promise<void>;
}

export function createDatabase(url: string, options: DatabaseOptions = {}): DatabaseConnection {
  const { db, sql } = connect(url, options);
  return { db, close: () => sql.end({ timeout: 5 }) };
}
