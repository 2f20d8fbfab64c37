import { randomUUID } from "node:crypto";
import { AGENDA_ADDIN_ID } from "@agenda/addin-manifest/manifest";
import { agendaEvents, calendarIntegrations, syncRuns, users } from "@agenda/db/schema";
import { DomainError } from "@agenda/domain/errors";
import { graphStatusOf } from "@agenda/graph/graph-client";
import { USER_FACING_RETRY } from "@agenda/graph/graph-middleware";
import type { DatabaseOrTransaction } from "@agenda/db/client";
import { and, eq, exists, gte, inArray, isNotNull, isNull, not, or, type SQL } from "drizzle-orm";
import { outlookFailureOf, type OutlookServices } from "./connection/outlook-services";
import { exportFormation, exportFormations, formationsToExport } from "./export/formation-writes";
import { exportPersonalEvents, personalEventsToExport } from "./export/personal-event-writes";
import { importIntegration } from "./import/import-integration";
import type { SettingsCleanup } from "./connection/integrations";
import { hasStrayCopies } from "./reconcile/settings-cleanup";
import type { SubscriptionJob, SyncJob, SyncJobHandlers, SyncQueue } from "./jobs/sync-queue";
import { DEFAULT_SUBSCRIPTION_TIMING, type SubscriptionSettings } from "./notifications/notification-endpoints";
import {
  ensureSubscriptions,
  hasLiveSubscription,
  hasSubscriptionToRenew,
  NOTIFICATIONS_UNAVAILABLE_ISSUE,
  renewSubscriptionNow,
} from "./notifications/subscriptions";
import {
  recordRunProgress,
  runSync,
  withIntegrationLock,
  type IntegrationRow,
  type SyncRun,
  type SyncRunTrigger,
} from "./runs/sync-run";

/** Failures retrying cannot fix: the user must reconnect (the integration already says so), or left the platform. */
const NEEDS_THE_USER = new Set(["OUTLOOK_NEEDS_REAUTH", "OUTLOOK_NOT_CONNECTED", "USER_DEACTIVATED"]);

export interface SyncEngineOptions {
  /** Where Microsoft delivers change notifications and how long subscriptions live; null: every integration is polled. */
  notifications?: SubscriptionSettings | null;
  /** How stale an integration without change notifications may get before maintenance imports it (5 minutes). */
  pollIntervalMs?: number;
  /** The same for an integration with live subscriptions (6 hours): Microsoft may drop notifications. */
  safetyNetIntervalMs?: number;
  /** The Outlook add-in's manifest id (OUTLOOK_ADDIN_ID), whose custom property tags exported formations; the committed manifest's by default. */
  addinId?: string;
}

/**
 * The sync engine as the product runs it: imports and exports on demand (the API) or as jobs (the queue), the jobs
 * that changes in the platform call for, and the periodic maintenance that queues what is due.
 */
export class SyncEngine {
  constructor(
    readonly services: OutlookServices,
    private readonly queue: SyncQueue,
    /** Where people find formations on the platform: exported events link back there. */
    private readonly platformUrl: string,
    private readonly options: SyncEngineOptions = {},
  ) {}

  async #connectedIntegration(userId: string): Promise<IntegrationRow> {
    const [integration] = await this.services.db
      .select()
      .from(calendarIntegrations)
      .where(and(eq(calendarIntegrations.userId, userId), eq(calendarIntegrations.provider, "outlook")));
    if (!integration || integration.status === "disconnected") throw new DomainError("OUTLOOK_NOT_CONNECTED");
    return integration;
  }

  /** The sync each user asked for through the API that is running in this process, by what it does. */
  readonly #requestedSyncs = new Map<string, { what: string; answer: Promise<unknown> }>();

  /**
   * Runs a sync a user asked for, one per user at a time in this process: the same sync asked again while it runs
   * gets its answer, any other is refused. However often a user clicks, their runs never pile up waiting on their
   * mailbox's lock, taking the slots other users' syncs need.
   */
  async #oneRequestedSyncPerUser<T>(userId: string, what: string, sync: () => Promise<T>): Promise<T> {
    const running = this.#requestedSyncs.get(userId);
    // The same `what` is the same sync, so its answer has the type asked for.
    if (running?.what === what) return running.answer as Promise<T>;
    if (running) throw new DomainError("SYNC_ALREADY_RUNNING");
    const answer = sync();
    this.#requestedSyncs.set(userId, { what, answer });
    try {
      return await answer;
    } finally {
      this.#requestedSyncs.delete(userId);
    }
  }

  /**
   * The spec's "Importer les événements": an import of the user's Outlook queued now, as the import job every other
   * trigger queues. Answers at once with the id its run will take, whose progress (pages, counts) and outcome the
   * user's status stream carries; null when an import already waiting absorbed this one (follow the next run then).
   */
  async importNow(userId: string): Promise<{ integrationId: string; runId: string | null }> {
    const integration = await this.#connectedIntegration(userId);
    // The user must sign in again first: the import would fail the same way, and they are told now.
    if (integration.status === "needs_reauth")
      throw new DomainError("OUTLOOK_NEEDS_REAUTH", { reason: integration.statusReason ?? "" });
    const runId = randomUUID();
    const queued = await this.queue.enqueueRequestedImport(this.services.db, integration.id, runId);
    return { integrationId: integration.id, runId: queued ? runId : null };
  }

  /** The spec's "Exporter vers Outlook" for one formation: the Outlook event, created once however often asked. */
  async exportFormationNow(userId: string, formationId: string) {
    return this.#oneRequestedSyncPerUser(userId, `export ${formationId}`, async () => {
      const integration = await this.#connectedIntegration(userId);
      const summary = await runSync(
        this.services,
        integration.id,
        "export",
        "api",
        (run) => exportFormation(run, formationId, this.#formationExport()),
        USER_FACING_RETRY,
      );
      return summary.result;
    });
  }

  handlers(): SyncJobHandlers {
    return {
      import: (job) => this.#job(job, "import"),
      export: (job) => this.#job(job, "export"),
      maintenance: () => this.enqueueDue(),
      renewSubscription: (job) => this.#renewSubscription(job),
    };
  }

  /**
   * Connected, reconnected or settings changed: an import now, which also brings the subscriptions in line, then an
   * export of everything the user's Outlook lacks (their formations, their pending events). The export follows the
   * import rather than racing it: the import first finds the copies a previous connection left in Outlook, so a
   * reconnection never duplicates them.
   */
  async integrationChanged(db: DatabaseOrTransaction, integrationId: string): Promise<void> {
    await this.queue.enqueueImports(db, [integrationId], "change");
  }

  /**
   * Settings changed (`updateOutlookSettings`): the import they call for, and an export at once when formation copies
   * are to be removed with export turned off (the import queues none then).
   */
  async settingsChanged(
    db: DatabaseOrTransaction,
    integrationId: string,
    cleanup: Pick<SettingsCleanup, "formationCopiesToRemove">,
  ): Promise<void> {
    await this.integrationChanged(db, integrationId);
    if (cleanup.formationCopiesToRemove > 0) await this.queue.enqueueExports(db, [integrationId], "change");
  }

  readonly #subscriptionFailedAt = new Map<string, number>();

  /** An import, after the integration's subscriptions are made what its settings want (Graph only if they differ). */
  async #import(run: SyncRun, trigger: SyncRunTrigger) {
    const failedAt = this.#subscriptionFailedAt.get(run.integration.id);
    // A webhook that failed validation is not tried on every import: the integration is polled until then.
    if (failedAt === undefined || Date.now() - failedAt >= this.#pollIntervalMs) {
      try {
        await ensureSubscriptions(run, this.options.notifications ?? null);
        this.#subscriptionFailedAt.delete(run.integration.id);
      } catch (error) {
        // The user must act, or Microsoft is out of reach: the import would meet the same.
        const failure = outlookFailureOf(error);
        if (failure instanceof DomainError) throw failure;
        this.#subscriptionFailedAt.set(run.integration.id, Date.now());
        const message = error instanceof Error ? error.message : String(error);
        run.stats.issues.push({
          message: `${NOTIFICATIONS_UNAVAILABLE_ISSUE}: ${message.slice(0, 300)}`,
          status: graphStatusOf(error),
        });
      }
    }
    const result = await importIntegration(run, { onPage: (progress) => recordRunProgress(run, progress) });
    // Formations to put back, platform edits that won a conflict: Outlook hears of them now, not at the next change.
    // After a connection or a settings change, whatever the user's Outlook lacks goes at once too (`integrationChanged`).
    const justChanged = trigger === "change" && run.integration.exportEnabled;
    if (result.toExport > 0 || justChanged) await this.queue.enqueueExports(run.db, [run.integration.id], "change");
    return result;
  }

  #formationExport() {
    return { platformUrl: this.platformUrl, addinId: this.options.addinId ?? AGENDA_ADDIN_ID };
  }

  /** The export job's work: formations, then personal events (platform ones, and Outlook ones edited here). */
  async #export(run: SyncRun) {
    const formations = await exportFormations(run, this.#formationExport());
    const personal = await exportPersonalEvents(run);
    return { formations, personal };
  }

  /** Microsoft asked to renew a subscription; under the integration's lock, so it never races an import's upkeep. */
  async #renewSubscription(job: SubscriptionJob) {
    const { db } = this.services;
    return withIntegrationLock(db, job.integrationId, async () => {
      const [integration] = await db
        .select()
        .from(calendarIntegrations)
        .where(eq(calendarIntegrations.id, job.integrationId));
      if (!integration || integration.status !== "active") return { skipped: "inactive" };
      const context = { db, graph: this.services.graphFor(integration.id), integration };
      try {
        return { outcome: await renewSubscriptionNow(context, this.options.notifications ?? null, job.subscriptionId) };
      } catch (error) {
        const failure = outlookFailureOf(error);
        if (failure instanceof DomainError && NEEDS_THE_USER.has(failure.code)) return { skipped: failure.code };
        throw failure;
      }
    });
  }

  get #pollIntervalMs(): number {
    return this.options.pollIntervalMs ?? 5 * 60_000;
  }

  async #job(job: SyncJob, kind: "import" | "export") {
    try {
      const work = (run: SyncRun): Promise<unknown> =>
        kind === "import" ? this.#import(run, job.trigger) : this.#export(run);
      const summary = await runSync(this.services, job.integrationId, kind, job.trigger, work, undefined, job.runId);
      return { runId: summary.runId, ...summary.stats, issues: summary.stats.issues.length };
    } catch (error) {
      if (error instanceof DomainError && NEEDS_THE_USER.has(error.code)) return { skipped: error.code };
      // Outlook refused the request itself: the run says so, and retrying would only meet the same refusal.
      if (error instanceof DomainError && error.code === "OUTLOOK_REQUEST_REFUSED") return { failed: error.code };
      throw error;
    }
  }

  /**
   * Queues an import of every auto-synced integration not imported lately (polled ones every poll interval, notified
   * ones every safety-net interval) or holding a subscription to renew, and an export of every exporting one.
   */
  async enqueueDue(): Promise<{ imports: number; exports: number }> {
    const { db } = this.services;
    const ownerLeft = exists(
      db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.id, calendarIntegrations.userId), isNotNull(users.deactivatedAt))),
    );
    const active = (condition: SQL | undefined) =>
      db
        .select({ id: calendarIntegrations.id })
        .from(calendarIntegrations)
        .where(
          and(
            eq(calendarIntegrations.status, "active"),
            eq(calendarIntegrations.provider, "outlook"),
            not(ownerLeft),
            condition,
          ),
        );
    // The clocks count from the last import: exports write to Outlook but read nothing from it, so a user busy in
    // the agenda must not postpone the polling of their Outlook.
    const importedSince = (ms: number) =>
      exists(
        db
          .select({ id: syncRuns.id })
          .from(syncRuns)
          .where(
            and(
              eq(syncRuns.integrationId, calendarIntegrations.id),
              eq(syncRuns.kind, "import"),
              gte(syncRuns.startedAt, new Date(Date.now() - ms)),
            ),
          ),
      );
    const stale = await active(
      and(
        eq(calendarIntegrations.importEnabled, true),
        eq(calendarIntegrations.autoSyncEnabled, true),
        or(
          not(importedSince(this.options.safetyNetIntervalMs ?? 6 * 3_600_000)),
          and(not(hasLiveSubscription()), not(importedSince(this.#pollIntervalMs))),
          hasSubscriptionToRenew(
            this.options.notifications?.renewBeforeMinutes ?? DEFAULT_SUBSCRIPTION_TIMING.renewBeforeMinutes,
          ),
        ),
      ),
    );
    // Changes are exported as they happen; this sweep only catches what an export left behind (a failure, a crash).
    // Copies to remove (export turned off, not kept: the rows hold no export trace) go with export turned off too.
    const strayCopies = db
      .select({ id: agendaEvents.id })
      .from(agendaEvents)
      .where(
        and(
          eq(agendaEvents.ownerId, calendarIntegrations.userId),
          eq(agendaEvents.source, "formation"),
          isNull(agendaEvents.integrationId),
          hasStrayCopies(),
        ),
      );
    const behind = await active(
      or(
        and(
          eq(calendarIntegrations.exportEnabled, true),
          or(
            exists(formationsToExport(db, calendarIntegrations)),
            exists(personalEventsToExport(db, calendarIntegrations)),
          ),
        ),
        exists(strayCopies),
      ),
    );
    await this.queue.enqueueImports(
      db,
      stale.map(({ id }) => id),
      "schedule",
    );
    await this.queue.enqueueExports(
      db,
      behind.map(({ id }) => id),
      "schedule",
    );
    return { imports: stale.length, exports: behind.length };
  }

  /** One of the user's agenda events changed in the platform: an export of their active integration, with the change. */
  async eventChanged(tx: DatabaseOrTransaction, userId: string): Promise<void> {
    const integrations = await tx
      .select({ id: calendarIntegrations.id })
      .from(calendarIntegrations)
      .where(
        and(
          eq(calendarIntegrations.userId, userId),
          eq(calendarIntegrations.provider, "outlook"),
          eq(calendarIntegrations.status, "active"),
        ),
      );
    await this.queue.enqueueExports(
      tx,
      integrations.map(({ id }) => id),
      "change",
    );
  }

  /**
   * The admins switched what cancelled formations' copies become (marked or deleted): an export for each active
   * integration whose user takes part in a cancelled formation, with the change, in one write. With export turned
   * off the deletions still run, as for any copy Outlook should no longer hold.
   */
  async cancelledFormationsSettingChanged(tx: DatabaseOrTransaction): Promise<void> {
    const participants = tx
      .select({ ownerId: agendaEvents.ownerId })
      .from(agendaEvents)
      .where(
        and(
          eq(agendaEvents.source, "formation"),
          eq(agendaEvents.formationCancelled, true),
          isNull(agendaEvents.deletedAt),
        ),
      );
    const integrations = await tx
      .select({ id: calendarIntegrations.id })
      .from(calendarIntegrations)
      .where(
        and(
          eq(calendarIntegrations.provider, "outlook"),
          eq(calendarIntegrations.status, "active"),
          inArray(calendarIntegrations.userId, participants),
        ),
      );
    await this.queue.enqueueExports(
      tx,
      integrations.map(({ id }) => id),
      "change",
    );
  }

  /** A formation changed: an export for each participant whose Outlook receives formations, with the change, in one write. */
  async formationChanged(tx: DatabaseOrTransaction, formationId: string): Promise<void> {
    const owners = tx
      .select({ ownerId: agendaEvents.ownerId })
      .from(agendaEvents)
      .where(eq(agendaEvents.formationId, formationId));
    const integrations = await tx
      .select({ id: calendarIntegrations.id })
      .from(calendarIntegrations)
      .where(
        and(
          eq(calendarIntegrations.status, "active"),
          eq(calendarIntegrations.exportEnabled, true),
          inArray(calendarIntegrations.userId, owners),
        ),
      );
    await this.queue.enqueueExports(
      tx,
      integrations.map(({ id }) => id),
      "change",
    );
  }
}
