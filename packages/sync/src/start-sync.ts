import type { OutlookServices } from "./connection/outlook-services";
import { SyncQueue, type SyncQueueOptions } from "./jobs/sync-queue";
import { SyncEngine, type SyncEngineOptions } from "./sync-engine";

export interface SyncOptions extends SyncEngineOptions {
  outlook: OutlookServices;
  databaseUrl: string;
  /** Where people find formations on the platform: exported events link back there. */
  platformUrl: string;
  /** Take jobs in this process (a worker, or a server that syncs itself); a web-only process only queues them. */
  work: boolean;
  /** How the job queue polls, debounces and retries; this product's defaults otherwise. */
  queue?: Omit<SyncQueueOptions, "databaseUrl" | "logger">;
}

/** The sync as a process runs it: the engine, the job queue it sends to and takes from, and how to stop both. */
export interface Sync {
  engine: SyncEngine;
  queue: SyncQueue;
  /** Stops taking jobs, lets running ones finish (up to `timeoutMs`), then closes the queue. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Starts the job queue, the engine on it, and, when this process works, the workers that run the engine's jobs. */
export async function startSync(options: SyncOptions): Promise<Sync> {
  const { outlook, databaseUrl, platformUrl, work, queue: queueOptions, ...engineOptions } = options;
  // Job failures are logged where sync runs and Graph calls are.
  const queue = await SyncQueue.start({ ...queueOptions, databaseUrl, logger: outlook.logger });
  const engine = new SyncEngine(outlook, queue, platformUrl, engineOptions);
  if (work) await queue.work(engine.handlers());
  return { engine, queue, stop: (timeoutMs) => queue.stop(timeoutMs) };
}
