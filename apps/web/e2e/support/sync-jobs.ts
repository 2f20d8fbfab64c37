import { createDatabase } from "@agenda/db/client";
import { inject } from "vitest";

/**
 * Jobs of the server's sync queue (pg-boss, in the server's database). A job fails for good only after minutes of
 * retries with backoff; a test that needs one writes it as pg-boss leaves it.
 */
async function withDatabase<T>(
  work: (sql: ReturnType<typeof createDatabase>["db"]["$client"]) => Promise<T>,
): Promise<T> {
  const connection = createDatabase(inject("agendaDatabaseUrl"), { max: 1 });
  try {
    return await work(connection.db.$client);
  } finally {
    await connection.close();
  }
}

/** An import job of this person's Outlook integration that failed after all its attempts; its id. */
export function seedFailedImportJob(email: string, error: string): Promise<string> {
  return withDatabase(async (sql) => {
    const [integration] = await sql<Array<{ id: string }>>`
      select i.id from calendar_integrations i join users u on u.id = i.user_id where u.email = ${email} and i.status = 'active'`;
    if (!integration) throw new Error(`${email} has no active Outlook integration`);
    const [job] = await sql<Array<{ id: string }>>`
      insert into pgboss.job (name, data, state, retry_limit, retry_count, output, started_on, completed_on, policy)
      values ('outlook-import', ${JSON.stringify({ integrationId: integration.id, trigger: "schedule" })}::jsonb, 'failed', 5, 5, ${JSON.stringify({ message: error })}::jsonb, now(), now(), 'stately')
      returning id`;
    if (!job) throw new Error("the failed job was not written");
    return job.id;
  });
}

export function jobState(id: string): Promise<string | undefined> {
  return withDatabase(
    async (sql) => (await sql<Array<{ state: string }>>`select state from pgboss.job where id = ${id}`)[0]?.state,
  );
}
