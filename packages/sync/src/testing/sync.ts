import type { OutlookServices } from "../connection/outlook-services";
import { startSync, type Sync } from "../start-sync";

/**
 * The sync as a web-only process runs it, for tests of the API: its jobs are queued in the database and taken by no
 * one, so what a request queues stays where the test can read it. Stop it when the test file ends.
 */
export function startQueueOnlySync(outlook: OutlookServices, databaseUrl: string): Promise<Sync> {
  return startSync({ outlook, databaseUrl, platformUrl: "https://platform.example.test", work: false });
}
