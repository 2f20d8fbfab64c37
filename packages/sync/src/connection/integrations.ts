import type { DatabaseOrTransaction } from "@agenda/db/client";
import { calendarIntegrations, users } from "@agenda/db/schema";
import { recordAudit } from "@agenda/domain/audit";
import { DomainError } from "@agenda/domain/errors";
import { USER_FACING_RETRY } from "@agenda/graph/graph-middleware";
import type { Calendar } from "@microsoft/microsoft-graph-types";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { publishIntegrationStatus } from "../status/integration-status";
import { hasLiveSubscription } from "../notifications/subscriptions";
import {
  importedEventCounts,
  removeEventsOfUnimportedCalendars,
  setFormationCopiesOnTheirWay,
  type FormationCopiesChange,
  type ImportedCalendars,
} from "../reconcile/settings-cleanup";
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
  /** Outlook events of each imported calendar now in the agenda: what unticking it would take out. */
  importedEventCounts: Record<string, number>;
  lastSyncAt: string | null;
  lastSyncResult: IntegrationRow["lastSyncResult"];
  syncMode: SyncMode;
  connectedAt: string;
  updatedAt: string;
}

export function integrationView(
  row: IntegrationRow,
  notified: boolean,
  importedEvents: Record<string, number>,
): IntegrationView {
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
    importedEventCounts: importedEvents,
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
  const counts = await importedEventCounts(
    db,
    rows.map(({ integration }) => integration.id),
  );
  return rows.map(({ integration, notified }) =>
    integrationView(integration, notified, counts.get(integration.id) ?? {}),
  );
}

/** Whether Microsoft currently notifies the integration's changes. */
export async function integrationIsNotified(db: DatabaseOrTransaction, integrationId: string): Promise<boolean> {
  const [row] = await db
    .select({ notified: hasLiveSubscription() })
    .from(calendarIntegrations)
    .where(eq(calendarIntegrations.id, integrationId));
  return row?.notified ?? false;
}

/** Every user's integration, for admins. */
export async function listAllIntegrations(
  db: DatabaseOrTransaction,
): Promise<Array<IntegrationView & { user: { id: string; email: string; name: string } }>> {
  const rows = await db
    .select({
      integration: calendarIntegrations,
      notified: hasLiveSubscription(),
      user: { id: users.id, email: users.email, name: users.name },
    })
    .from(calendarIntegrations)
    .innerJoin(users, eq(users.id, calendarIntegrations.userId))
    .orderBy(asc(users.email));
  const counts = await importedEventCounts(
    db,
    rows.map(({ integration }) => integration.id),
  );
  return rows.map(({ integration, notified, user }) => ({
    ...integrationView(integration, notified, counts.get(integration.id) ?? {}),
    user,
  }));
}

export const updateOutlookSettingsInput = z
  .object({
    importEnabled: z.boolean().optional(),
    exportEnabled: z.boolean().optional(),
    autoSyncEnabled: z.boolean().optional(),
    /** Outlook calendars to import; empty means the default calendar. */
    importCalendarIds: z.array(z.string().min(1).max(512)).max(50).optional(),
    /** Outlook calendar that receives formations; null means the default calendar. Existing copies move there. */
    exportCalendarId: z.string().min(1).max(512).nullable().optional(),
    /** With `exportEnabled: false`: also delete from Outlook the formation copies this product put there. */
    removeExportedCopies: z.boolean().optional(),
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

/** What a settings change did besides saving them: events taken out of the agenda, formation copies set moving. */
export interface SettingsCleanup {
  importedEventsRemoved: number;
  formationCopiesMoved: number;
  formationCopiesToRemove: number;
}

/**
 * Changes what is synced; calendars are checked against the account's own, and each change is audited. Settings
 * clean up after themselves, in the same transaction: the events of calendars no longer imported leave the agenda
 * (and come back, read whole, when imported again); formation copies move to a new export calendar, or are removed
 * from Outlook with export turned off when asked. The export does the Outlook side; the caller queues the sync.
 */
export async function updateOutlookSettings(
  services: OutlookServices,
  userId: string,
  input: z.output<typeof updateOutlookSettingsInput>,
): Promise<IntegrationView & { cleanup: SettingsCleanup }> {
  const { removeExportedCopies, ...settings } = input;
  const integration = await connectedIntegration(services.db, userId);
  const changes = Object.fromEntries(
    Object.entries(settings).filter(
      ([key, value]) =>
        value !== undefined && JSON.stringify(value) !== JSON.stringify(integration[key as keyof IntegrationRow]),
    ),
  ) as Partial<typeof settings>;
  const importOn = settings.importEnabled ?? integration.importEnabled;
  const calendarsChanged = changes.importCalendarIds !== undefined || changes.importEnabled !== undefined;
  const exportCalendarChanged = changes.exportCalendarId !== undefined;
  let defaultCalendarId: string | undefined;
  if (settings.importCalendarIds?.length || settings.exportCalendarId || (importOn && calendarsChanged)) {
    const calendars = await listOutlookCalendars(services, userId);
    const byId = new Map(calendars.map((calendar) => [calendar.id, calendar]));
    for (const id of settings.importCalendarIds ?? []) {
      if (!byId.has(id)) throw new DomainError("OUTLOOK_CALENDAR_UNKNOWN", { id });
    }
    if (settings.exportCalendarId && !byId.get(settings.exportCalendarId)?.canEdit) {
      throw new DomainError("OUTLOOK_CALENDAR_UNKNOWN", { id: settings.exportCalendarId });
    }
    defaultCalendarId = calendars.find((calendar) => calendar.isDefault)?.id;
  }
  const importedIds = settings.importCalendarIds ?? integration.importCalendarIds;
  const imported: ImportedCalendars = !importOn
    ? { kind: "none" }
    : { kind: "calendars", ids: importedIds.length > 0 ? importedIds : defaultCalendarId ? [defaultCalendarId] : [] };
  const exportOn = settings.exportEnabled ?? integration.exportEnabled;
  const copies: FormationCopiesChange | undefined =
    !exportOn && removeExportedCopies && changes.exportEnabled === false
      ? { kind: "remove" }
      : exportOn && exportCalendarChanged
        ? { kind: "move", toCalendarId: settings.exportCalendarId ?? null }
        : undefined;

  return services.db.transaction(async (tx) => {
    const [row] = await tx
      .update(calendarIntegrations)
      .set({ ...settings, updatedAt: new Date() })
      .where(eq(calendarIntegrations.id, integration.id))
      .returning();
    if (!row) throw new DomainError("OUTLOOK_NOT_CONNECTED");
    const cleanup: SettingsCleanup = { importedEventsRemoved: 0, formationCopiesMoved: 0, formationCopiesToRemove: 0 };
    // An empty selection whose default calendar is unknown keeps everything: better stale than wrongly removed.
    if (calendarsChanged)
      cleanup.importedEventsRemoved = await removeEventsOfUnimportedCalendars(tx, integration.id, imported);
    if (copies?.kind === "move")
      cleanup.formationCopiesMoved = await setFormationCopiesOnTheirWay(tx, integration.id, copies);
    if (copies?.kind === "remove")
      cleanup.formationCopiesToRemove = await setFormationCopiesOnTheirWay(tx, integration.id, copies);
    const audited = { userId, actorUserId: userId, integrationId: integration.id, outcome: "success" as const };
    await recordAudit(tx, [
      { ...audited, action: "outlook.settings_changed", detail: { changes } },
      ...(cleanup.importedEventsRemoved > 0
        ? [
            {
              ...audited,
              action: "outlook.imported_events_removed" as const,
              detail: { count: cleanup.importedEventsRemoved, imported },
            },
          ]
        : []),
      ...(copies?.kind === "move"
        ? [
            {
              ...audited,
              action: "outlook.formation_copies_moved" as const,
              detail: { count: cleanup.formationCopiesMoved, toCalendarId: copies.toCalendarId },
            },
          ]
        : []),
      ...(copies?.kind === "remove"
        ? [
            {
              ...audited,
              action: "outlook.formation_copies_removed" as const,
              detail: { count: cleanup.formationCopiesToRemove },
            },
          ]
        : []),
    ]);
    await publishIntegrationStatus(tx, userId);
    const counts = (await importedEventCounts(tx, [row.id])).get(row.id) ?? {};
    return { ...integrationView(row, await integrationIsNotified(tx, row.id), counts), cleanup };
  });
}
