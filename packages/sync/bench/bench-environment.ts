import { once } from "node:events";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { createDatabase, type Database } from "@agenda/db/client";
import { startEmbeddedPostgres } from "@agenda/db/embedded";
import { migrateDatabase } from "@agenda/db/migrate";
import type { SandboxOptions } from "@agenda/microsoft-sandbox";
import { TEST_APP, sandboxAdmin } from "@agenda/testing/sandbox";
import type { OutlookServices } from "../src/connection/outlook-services";
import { connectTestUser, testOutlookServices } from "../src/testing/connect";

/** What a sync benchmark runs against: a throw-away PostgreSQL, a sandbox on its own thread, and the services. */
export interface BenchEnvironment {
  db: Database;
  databaseUrl: string;
  services: OutlookServices;
  sandboxUrl: string;
  /** Calls the sandbox's admin REST API. */
  admin(method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", path: string, body?: unknown): Promise<unknown>;
  /** Adds the mailboxes to the sandbox and connects a platform user to each through the real sign-in flow. */
  connectMailboxes(names: string[]): Promise<Array<{ mailbox: string; integrationId: string }>>;
  stop(): Promise<void>;
}

export async function startBenchEnvironment(graph: SandboxOptions["graph"] = {}): Promise<BenchEnvironment> {
  const dir = await mkdtemp(join(tmpdir(), "agenda-bench-pg-"));
  // As root, the cluster runs as the `postgres` system user, which must reach its data directory.
  await chmod(dir, 0o755);
  const postgres = await startEmbeddedPostgres({ dataDir: join(dir, "data"), disposable: true });
  await migrateDatabase(postgres.url);
  const connection = createDatabase(postgres.url);

  // On Node 20 a worker does not inherit the parent's module hooks: it registers tsx itself before loading the sandbox.
  const workerMain = new URL("./sandbox-worker.ts", import.meta.url).href;
  const worker = new Worker(
    `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(workerMain)}); });`,
    {
      eval: true,
      workerData: { port: 0, identity: { clients: [TEST_APP], autoConsent: true }, graph } satisfies SandboxOptions,
    },
  );
  const [sandbox] = (await once(worker, "message")) as [{ url: string }];

  const services = testOutlookServices(connection.db, sandbox);
  const admin: BenchEnvironment["admin"] = (method, path, body) => sandboxAdmin(sandbox, method, path, body);

  return {
    db: connection.db,
    databaseUrl: postgres.url,
    services,
    sandboxUrl: sandbox.url,
    admin,
    async connectMailboxes(names) {
      const mailboxes = names.map((name) => `${name}@contoso.test`);
      await admin("POST", "/mailboxes", {
        mailboxes: mailboxes.map((userPrincipalName, n) => ({ userPrincipalName, displayName: names[n] })),
      });
      const connected: Array<{ mailbox: string; integrationId: string }> = [];
      for (const [n, mailbox] of mailboxes.entries()) {
        const { integration } = await connectTestUser(services, { name: names[n] ?? mailbox, mailbox });
        connected.push({ mailbox, integrationId: integration.id });
      }
      return connected;
    },
    async stop() {
      worker.postMessage("stop");
      await once(worker, "exit");
      await connection.close();
      await postgres.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `count` one-hour events over the next `days` days, in Paris time, with text bodies and a location now and then. */
export function benchEvents(count: number, prefix: string, days = 300): Array<Record<string, unknown>> {
  const first = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1, 7);
  const at = (ms: number) => ({ dateTime: new Date(ms).toISOString().slice(0, 19), timeZone: "UTC" });
  return Array.from({ length: count }, (_, n) => {
    const start = first + Math.floor((n * days * 24) / count) * 3_600_000;
    return {
      subject: `${prefix} ${n}`,
      body: { contentType: "text", content: `Session ${n} of ${prefix}` },
      start: at(start),
      end: at(start + 3_600_000),
      originalStartTimeZone: "Romance Standard Time",
      ...(n % 4 === 0 ? { location: { displayName: `Room ${n % 40}` } } : {}),
    };
  });
}

/** Seeds a mailbox in chunks the admin API takes at once. */
export async function seedMailbox(
  environment: BenchEnvironment,
  mailbox: string,
  events: Array<Record<string, unknown>>,
): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; offset < events.length; offset += 2_500) {
    const { value } = (await environment.admin("POST", `/mailboxes/${mailbox}/events`, {
      events: events.slice(offset, offset + 2_500),
    })) as { value: Array<{ immutableId: string }> };
    ids.push(...value.map(({ immutableId }) => immutableId));
  }
  return ids;
}

export const megabytes = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MB`;
