import { agendaEvents, calendarIntegrations } from "@agenda/db/schema";
import { DomainError } from "@agenda/domain/errors";
import { and, eq, inArray, isNull, lt, or } from "drizzle-orm";
import { exportFormation, exportFormations } from "./export/export-formations";
import { importIntegration } from "./import/import-integration";
import type { OutlookServices } from "./outlook-services";
import type { SyncJob, SyncJobHandlers, SyncQueue } from "./sync-queue";
import { runSync, type IntegrationRow, type SyncRun } from "./sync-run";

/** Failures retrying cannot fix: the user must reconnect, and the integration already says so. */
const NEEDS_THE_USER = new Set(["OUTLOOK_NEEDS_REAUTH", "OUTLOOK_NOT_CONNECTED"]);

/** How stale an auto-synced integration may get before maintenance queues an import (the polling fallback). */
const POLL_EVERY_MS = 5 * 60_000;

/**
 * The sync engine as the product runs it: imports and exports on demand (the API) or as jobs (the queue), and the
 * periodic maintenance that queues what is due.
 */
export class SyncEngine {
  #queue: SyncQueue | undefined;

  constructor(
    readonly services: OutlookServices,
    /** Where people find formations on the platform: exported events link back there. */
    private readonly platformUrl: string,
  ) {}

  /** Jobs go to this queue from now on (formation changes, maintenance). */
  attach(queue: SyncQueue): void {
    this.#queue = queue;
  }

  get queue(): SyncQueue | undefined {
    return this.#queue;
  }

  async #connectedIntegration(userId: string): Promise<IntegrationRow> {
    const [integration] = await this.services.db
      .select()
      .from(calendarIntegrations)
      .where(and(eq(calendarIntegrations.userId, userId), eq(calendarIntegrations.provider, "outlook")));
    if (!integration || integration.status === "disconnected") throw new DomainError("OUTLOOK_NOT_CONNECTED");
    return integration;
  }

  /** The spec's "Importer les événements": an import right now, answering what changed. Safe to call twice. */
  async importNow(userId: string) {
    const integration = await this.#connectedIntegration(userId);
    const summary = await runSync(this.services, integration.id, "import", "manual", (run) => importIntegration(run));
    const { created, updated, deleted, requests } = summary.stats;
    return { runId: summary.runId, created, updated, deleted, requests, durationMs: summary.durationMs };
  }

  /** The spec's "Exporter vers Outlook" for one formation: the Outlook event, created once however often asked. */
  async exportFormationNow(userId: string, formationId: string) {
    const integration = await this.#connectedIntegration(userId);
    const summary = await runSync(this.services, integration.id, "export", "api", (run) => exportFormation(run, formationId, { platformUrl: this.platformUrl }));
    return summary.result;
  }

  handlers(): SyncJobHandlers {
    return {
      import: (job) => this.#job(job, "import"),
      export: (job) => this.#job(job, "export"),
      maintenance: () => this.enqueueDue(),
    };
  }

  async #job(job: SyncJob, kind: "import" | "export") {
    try {
      const work = (run: SyncRun): Promise<unknown> => (kind === "import" ? importIntegration(run) : exportFormations(run, { platformUrl: this.platformUrl }));
      const summary = await runSync(this.services, job.integrationId, kind, job.trigger, work);
      return { runId: summary.runId, ...summary.stats, issues: summary.stats.issues.length };
    } catch (error) {
      if (error instanceof DomainError && NEEDS_THE_USER.has(error.code)) return { skipped: error.code };
      throw error;
    }
  }

  /** Queues an import of every auto-synced integration not synced lately, and an export of every exporting one. */
  async enqueueDue(): Promise<{ imports: number; exports: number }> {
    const queue = this.#queue;
    if (!queue) return { imports: 0, exports: 0 };
    const active = and(eq(calendarIntegrations.status, "active"), eq(calendarIntegrations.provider, "outlook"));
    const stale = await this.services.db
      .select({ id: calendarIntegrations.id })
      .from(calendarIntegrations)
      .where(
        and(
          active,
          eq(calendarIntegrations.importEnabled, true),
          eq(calendarIntegrations.autoSyncEnabled, true),
          or(isNull(calendarIntegrations.lastSyncAt), lt(calendarIntegrations.lastSyncAt, new Date(Date.now() - POLL_EVERY_MS))),
        ),
      );
    const exporting = await this.services.db
      .select({ id: calendarIntegrations.id })
      .from(calendarIntegrations)
      .where(and(active, eq(calendarIntegrations.exportEnabled, true)));
    for (const { id } of stale) await queue.enqueueImport(id, "schedule");
    for (const { id } of exporting) await queue.enqueueExport(id, "schedule");
    return { imports: stale.length, exports: exporting.length };
  }

  /** A formation changed: queue an export for each participant whose Outlook receives formations. */
  async formationChanged(formationId: string): Promise<void> {
    const queue = this.#queue;
    if (!queue) return;
    const owners = this.services.db.select({ ownerId: agendaEvents.ownerId }).from(agendaEvents).where(eq(agendaEvents.formationId, formationId));
    const integrations = await this.services.db
      .select({ id: calendarIntegrations.id })
      .from(calendarIntegrations)
      .where(and(eq(calendarIntegrations.status, "active"), eq(calendarIntegrations.exportEnabled, true), inArray(calendarIntegrations.userId, owners)));
    for (const { id } of integrations) await queue.enqueueExport(id, "change");
  }
}
