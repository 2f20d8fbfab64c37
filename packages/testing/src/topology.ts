import { startServerProcess, type ServerProcess } from "./server-process";
import type { ProductProcess } from "./product-process";
import { startWorkerProcess } from "./worker-process";

export interface TopologyWorker extends ProductProcess {
  /** Where the worker answers /healthz, /readyz and /metrics. */
  operationsUrl: string;
}

/** The scaled-out deployment on one machine: a server that takes no sync jobs and separate worker processes. */
export interface Topology {
  server: ServerProcess;
  workers: TopologyWorker[];
  /** SIGTERM to every process (workers first: they finish their jobs), resolved once all exited. */
  stop(): Promise<void>;
}

async function startTopologyWorker(env: Record<string, string>): Promise<TopologyWorker> {
  const worker = await startWorkerProcess({ METRICS_PORT: "0", ...env });
  const [, url] = await worker.printed(/probes and metrics at (http:\/\/\S+)\/readyz/, "the worker's probes");
  return { ...worker, operationsUrl: url ?? "" };
}

/**
 * Starts the server (SYNC_WORKER=false) and `workerCount` workers against the database and Microsoft `env` names.
 * `npm run topology` and the scale-out tests both use it.
 */
export async function startTopology(env: Record<string, string>, workerCount = 2): Promise<Topology> {
  const started = await Promise.allSettled([
    startServerProcess({ ...env, SYNC_WORKER: "false" }),
    ...Array.from({ length: workerCount }, () => startTopologyWorker(env)),
  ]);
  const failure = started.find((result) => result.status === "rejected");
  const running = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  if (failure) {
    await Promise.all(running.map((process) => process.stop()));
    throw failure.reason;
  }
  const [server, ...workers] = running as [ServerProcess, ...TopologyWorker[]];
  return {
    server,
    workers,
    async stop() {
      await Promise.all(workers.map((worker) => worker.stop()));
      await server.stop();
    },
  };
}
