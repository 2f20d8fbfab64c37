import { syncRuns } from "@agenda/db/schema";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { importIntegration } from "../import/import-integration";
import { runSync } from "./sync-run";
import { holdIntegrationLockElsewhere, within } from "../testing/concurrency";
import { connectTestUser } from "../testing/connect";
import { mailboxOf, useTestMailboxes } from "../testing/mailboxes";

const MAILBOXES = ["ana", "ben", "carla", "dan", "eve", "fay", "gus", "hana"];
const { database, services } = useTestMailboxes(MAILBOXES);

const connect = (name: string) => connectTestUser(services(), { name, mailbox: mailboxOf(name) });
const scheduledImport = (integrationId: string) =>
  runSync(services(), integrationId, "import", "schedule", importIntegration);

describe("the per-mailbox lock", () => {
  it("gives no slot to runs waiting for a mailbox another process holds: another mailbox's run goes through at once", async () => {
    const ana = await connect("ana");
    const ben = await connect("ben");
    const poolSize = database().db.$client.options.max;
    const release = await holdIntegrationLockElsewhere(database().url, ana.integration.id);
    const waiting = Array.from({ length: 2 * poolSize }, () => scheduledImport(ana.integration.id));
    try {
      await within(5_000, scheduledImport(ben.integration.id));
      expect(await database().db.select().from(syncRuns).where(eq(syncRuns.integrationId, ana.integration.id))).toEqual(
        [],
      );
    } finally {
      await release();
    }

    // Once the lock is free every waiting run gets it, one after the other.
    await within(20_000, Promise.all(waiting));
    const runs = await database().db.select().from(syncRuns).where(eq(syncRuns.integrationId, ana.integration.id));
    expect(runs.map(({ status }) => status)).toEqual(Array(2 * poolSize).fill("succeeded"));
    const spans = runs
      .map(({ startedAt, finishedAt }) => ({ start: startedAt.getTime(), end: finishedAt?.getTime() ?? Number.NaN }))
      .sort((a, b) => a.start - b.start);
    for (const [index, span] of spans.slice(1).entries())
      expect(span.start).toBeGreaterThanOrEqual(spans[index]?.end ?? Number.NaN);
  });

  it("keeps lock connections under the pool's size: more mailboxes syncing at once than it has connections all finish", async () => {
    const mailboxes = [];
    for (const name of MAILBOXES.slice(2)) mailboxes.push((await connect(name)).integration.id);
    expect(mailboxes.length).toBeGreaterThan(database().db.$client.options.max);
    await within(20_000, Promise.all(mailboxes.map(scheduledImport)));
  });
});
