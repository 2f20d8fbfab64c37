import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Database } from "@agenda/db/client";
import type { Logger } from "@agenda/observability/logger";
import { bearerMatches, metricsRegistryFor } from "@agenda/observability/metrics";
import { checkReadiness, databaseCheck, migrationsCheck, queueCheck } from "@agenda/observability/readiness";
import { SYNC_JOB_QUEUES } from "@agenda/sync/sync-queue";

export interface WorkerOperationsOptions {
  db: Database;
  queue: { readonly accepting: boolean };
  host: string;
  port: number;
  /** When set, /metrics asks for it as a bearer token even on this private port. */
  metricsToken: string | undefined;
  /** Where a failed readiness check's error goes, for the operator: /readyz itself only names the check and a reason. */
  logger: Logger;
}

/**
 * A worker serves no API: this small HTTP server on METRICS_PORT answers orchestrators' probes (/healthz, /readyz)
 * and Prometheus (/metrics). Resolves with the port it listens on.
 */
export async function startWorkerOperationsServer(
  options: WorkerOperationsOptions,
): Promise<{ server: Server; port: number }> {
  const checks = [databaseCheck(options.db), migrationsCheck(options.db), queueCheck(options.queue)];
  const registry = metricsRegistryFor(options.db, SYNC_JOB_QUEUES);
  const server = createServer((request, response) => {
    const answer = async () => {
      const path = new URL(request.url ?? "/", "http://worker").pathname;
      if (request.method !== "GET") return response.writeHead(405).end();
      if (path === "/healthz")
        return response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok" }));
      if (path === "/readyz") {
        const report = await checkReadiness(checks, options.logger);
        const body = JSON.stringify({ status: report.ready ? "ready" : "unavailable", checks: report.checks });
        return response.writeHead(report.ready ? 200 : 503, { "content-type": "application/json" }).end(body);
      }
      if (path === "/metrics") {
        if (options.metricsToken && !bearerMatches(request.headers.authorization, options.metricsToken))
          return response.writeHead(401).end();
        return response.writeHead(200, { "content-type": registry.contentType }).end(await registry.metrics());
      }
      return response.writeHead(404).end();
    };
    answer().catch(() => response.writeHead(500).end());
  });
  server.listen(options.port, options.host);
  await once(server, "listening");
  return { server, port: (server.address() as AddressInfo).port };
}
