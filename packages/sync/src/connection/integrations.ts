import type { DatabaseOrTransaction } from "@agenda/db/client";
import { calendarIntegrations, users } from "@agenda/db/schema";
import { recordAudit } from "@agenda/domain/audit";
import { DomainError } from "@agenda/domain/errors";
import { USER_FACING_RETRY } from "@agenda/graph/graph-middleware";
import type { Calendar } from "@microsoft/microsoft-graph-types";
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { publishIntegrationStatus } from "../status/integration-status";
import {
  hasExpiredSubscription,
  hasLiveSubscription,
  lastImportLackedNotifications,
} from "../notifications/subscriptions";
import { outlookFailureOf, type OutlookServices } from "./outlook-services";

type IntegrationRow = typeof calendarIntegrations.$inferSelect;

/** How Outlook's changes reach the agenda: Microsoft notifies them (a live subscription), or delta polling. */
export type SyncMode = "notifications" | "polling";

/** An integration as users and admins see it: never a token, never a secret. */
export interface IntegrationView {
  id: string;
  provider: IntegrationRow["provider"];
  status: IntegrationRow["status"];
  statusReason: string | null;
  account: { email: string; name: string | null; tenantId: string };
  scopes: string[];
  settings: {
    importEnabled: boolean;
    exportEnabled: boolean;
    autoSyncEnabled: boolean;
    importCalendarIds: string[];
    exportCalendarId: string | null;
  };
  lastSyncAt: string | null;
  lastSyncResult: IntegrationRow["lastSyncResult"];
  syncMode: SyncMode;
  connectedAt: string;
  updatedAt: string;
}

export function integrationView(row: IntegrationRow, notified: boolean): IntegrationView {
  return {
    id: row.id,
    provider: row.provider,
    status: row.status,
    statusReason: row.statusReason,
    account: { email: row.accountEmail, name: row.accountName, tenantId: row.msTenantId },
    scopes: row.grantedScopes,
    settings: {
      importEnabled: row.importEnabled,
      exportEnabled: row.exportEnabled,
      autoSyncEnabled: row.autoSyncEnabled,
      importCalendarIds: row.importCalendarIds,
      exportCalendarId: row.exportCalendarId,
    },
    lastSyncAt: row.lastSyncAt?.toISOString() ?? null,
    lastSyncResult: row.lastSyncResult,
    syncMode: notified ? "notifications" : "polling",
    connectedAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listIntegrations(db: DatabaseOrTransaction, userId: string): Promise<IntegrationView[]> {
  const rows = await db
    .select({ integration: calendarIntegrations, notified: hasLiveSubscription() })
    .from(calendarIntegrations)
    .where(eq(calendarIntegrations.userId, userId));
  return rows.map(({ integration, notified }) => integrationView(integration, notified));
}

/** Whether Microsoft currently notifies the integration's changes. */
export async function integrationIsNotified(db: DatabaseOrTransaction, integrationId: string): Promise<boolean> {
  const [row] = await db
    .select({ notified: hasLiveSubscription() })
    .from(calendarIntegrations)
    .where(eq(calendarIntegrations.id, integrationId));
  return row?.notified ?? false;
}

/** Why an integration needs an administrator's attention. */
export type AttentionReason = "needs_reauth" | "failing" | "webhook_unreachable";

/** Failed runs within a day from which an integration counts as failing, even when its latest run succeeded. */
const REPEATED_FAILURES = 3;

export interface AdminIntegrationView extends IntegrationView {
  user: { id: string; email: string; name: string };
  /** Empty when all is well. */
  attention: AttentionReason[];
}

export const listAllIntegrationsInput = z
  .object({
    /** Only the integrations needing attention; `true`/`false` as a query string carries it too. */
    needsAttention: z.union([z.boolean(), z.stringbool()]).optional(),
  })
  .optional();

const runsFailedLastDay = sql<number>`(select count(*)::int from sync_runs r
  where r.integration_id = "calendar_integrations"."id" and r.status = 'failed' and r.started_at > now() - interval '1 day')`;

function attentionOf(
  row: IntegrationRow,
  health: { failedLastDay: number; expiredSubscription: boolean; lackedNotifications: boolean },
): AttentionReason[] {
  if (row.status === "disconnected") return [];
  if (row.status === "needs_reauth") return ["needs_reauth"];
  const reasons: AttentionReason[] = [];
  if (row.status === "error" || row.lastSyncResult?.ok === false || health.failedLastDay >= REPEATED_FAILURES)
    reasons.push("failing");
  const notified = row.importEnabled && row.autoSyncEnabled;
  if (notified && (health.expiredSubscription || health.lackedNotifications)) reasons.push("webhook_unreachable");
  return reasons;
}

/** Every user's integration, for admins, with what needs their attention. */
export async function listAllIntegrations(
  db: DatabaseOrTransaction,
  input: z.output<typeof listAllIntegrationsInput> = {},
): Promise<AdminIntegrationView[]> {
  const rows = await db
    .select({
      integration: calendarIntegrations,
      notified: hasLiveSubscription(),
      failedLastDay: runsFailedLastDay,
      expiredSubscription: hasExpiredSubscription(),
      lackedNotifications: lastImportLackedNotifications(),
      user: { id: users.id, email: users.email, name: users.name },
    })
    .from(calendarIntegrations)
    .innerJoin(users, eq(users.id, calendarIntegrations.userId))
    .orderBy(asc(users.email));
  const all = rows.map(({ integration, notified, user, ...health }) => ({
    ...integrationView(integration, notified),
    user,
    attention: attentionOf(integration, health),
  }));
  return input?.needsAttention ? all.filter(({ attention }) => attention.length > 0) : all;
}

export const updateOutlookSettingsInput = z
  .object({
    importEnabled: z.boolean().optional(),
    exportEnabled: z.boolean().optional(),
    autoSyncEnabled: z.boolean().optional(),
    /** Outlook calendars to import; empty means the default calendar. */
    importCalendarIds: z.array(z.string().min(1).max(512)).max(50).optional(),
    /** Outlook calendar that receives formations; null means the default calendar. */
    exportCalendarId: z.string().min(1).max(512).nullable().optional(),
  })
  .refine((settings) => Object.values(settings).some((value) => value !== undefined), { message: "noSettings" });

export interface OutlookCalendar {
  id: string;
  name: string;
  isDefault: boolean;
  canEdit: boolean;
  color: string | null;
}

async function connectedIntegration(db: DatabaseOrTransaction, userId: string): Promise<IntegrationRow> {
  const [row] = await db
    .select()
    .from(calendarIntegrations)
    .where(and(eq(calendarIntegrations.userId, userId), eq(calendarIntegrations.provider, "outlook")));
  if (!row || row.status === "disconnected") throw new DomainError("OUTLOOK_NOT_CONNECTED");
  return row;
}

/** The calendars of the connected Outlook account, every page of them, for a user waiting on the settings page. */
export async function listOutlookCalendars(services: OutlookServices, userId: string): Promise<OutlookCalendar[]> {
  const integration = await connectedIntegration(services.db, userId);
  const graph = services.graphFor(integration.id, { retry: USER_FACING_RETRY });
  const calendars: OutlookCalendar[] = [];
  try {
    let page = (await graph
      .api("/me/calendars")
      .select(["id", "name", "isDefaultCalendar", "canEdit", "hexColor"])
      .get()) as {
      value: Calendar[];
      "@odata.nextLink"?: string;
    };
    for (;;) {
      for (const calendar of page.value) {
        calendars.push({
          id: calendar.id ?? "",
          name: calendar.name ?? "",
          isDefault: calendar.isDefaultCalendar ?? false,
          canEdit: calendar.canEdit ?? false,
          color: calendar.hexColor || null,
        });
      }
      const next = page["@odata.nextLink"];
      if (!next) return calendars;
      // A nextLink to another origin than Graph's is refused by the client, before anything is sent there.
      page = (await graph.api(next).get()) as typeof page;
    }
  } catch (error) {
    throw outlookFailureOf(error);
  }
}

/** Changes what is synced; calendars are checked against the account's own, and each change is audited. */
export async function updateOutlookSettings(
  services: OutlookServices,
  userId: string,
  input: z.output<typeof updateOutlookSettingsInput>,
): Promise<IntegrationView> {
  const integration = await connectedIntegration(services.db, userId);
  if (input.importCalendarIds?.length || input.exportCalendarId) {
    const calendars = new Map(
      (await listOutlookCalendars(services, userId)).map((calendar) => [calendar.id, calendar]),
    );
    for (const id of input.importCalendarIds ?? []) {
      if (!calendars.has(id)) throw new DomainError("OUTLOOK_CALENDAR_UNKNOWN", { id });
    }
    if (input.exportCalendarId && !calendars.get(input.exportCalendarId)?.canEdit) {
      throw new DomainError("OUTLOOK_CALENDAR_UNKNOWN", { id: input.exportCalendarId });
    }
  }
  const changes = Object.fromEntries(
    Object.entries(input).filter(
      ([key, value]) =>
        value !== undefined && JSON.stringify(value) !== JSON.stringify(integration[key as keyof IntegrationRow]),
    ),
  );
  const [row] = await services.db
    .update(calendarIntegrations)
    .set({ ...input, updatedAt: new Date() })
    .where(eq(calendarIntegrations.id, integration.id))
    .returning();
  if (!row) throw new DomainError("OUTLOOK_NOT_CONNECTED");
  await recordAudit(services.db, {
    userId,
    actorUserId: userId,
    integrationId: integration.id,
    action: "outlook.settings_changed",
    outcome: "success",
    detail: { changes },
  });
  await publishIntegrationStatus(services.db, userId);
  return integrationView(row, await integrationIsNotified(services.db, row.id));
}
