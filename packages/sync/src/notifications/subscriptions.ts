import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { DatabaseOrTransaction } from "@agenda/db/client";
import { type calendarIntegrations, graphSubscriptions } from "@agenda/db/schema";
import { graphStatusOf } from "@agenda/graph/graph-client";
import type { Client } from "@microsoft/microsoft-graph-client";
import type { Subscription } from "@microsoft/microsoft-graph-types";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { SubscriptionSettings } from "./notification-endpoints";

type IntegrationRow = typeof calendarIntegrations.$inferSelect;

export type GraphSubscriptionRow = typeof graphSubscriptions.$inferSelect;

/** What an integration's subscriptions are handled with: a sync run has all of it. */
export interface SubscriptionContext {
  db: DatabaseOrTransaction;
  graph: Client;
  integration: IntegrationRow;
}

export interface SubscriptionChanges {
  created: number;
  renewed: number;
  deleted: number;
}

const CHANGE_TYPES = "created,updated,deleted";
/** Notifications then carry immutable ids, the ids the import stores. */
const IMMUTABLE_IDS = `IdType="ImmutableId"`;

const sha256 = (value: string): Buffer => createHash("sha256").update(value).digest();

/** A fresh clientState: 32 random bytes, base64url (43 characters; Graph allows 128). Only its hash is stored. */
export function newClientState(): { clientState: string; clientStateHash: string } {
  const clientState = randomBytes(32).toString("base64url");
  return { clientState, clientStateHash: sha256(clientState).toString("hex") };
}

/** Compares a received clientState with a stored hash in constant time. */
export function clientStateMatches(clientState: string | null | undefined, clientStateHash: string): boolean {
  const expected = Buffer.from(clientStateHash, "hex");
  return typeof clientState === "string" && expected.length === 32 && timingSafeEqual(sha256(clientState), expected);
}

// Spelled out with qualified names: drizzle leaves columns unqualified in single-table queries, and the subquery's
// `id` would shadow the integration's.
const integrationSubscriptions = sql.raw(
  `select 1 from graph_subscriptions s where s.integration_id = "calendar_integrations"."id"`,
);

/** SQL, in a query on calendar_integrations: the integration holds an unexpired subscription (Microsoft notifies it). */
export function hasLiveSubscription() {
  return sql<boolean>`exists (${integrationSubscriptions} and s.expires_at > now())`;
}

/** SQL, in a query on calendar_integrations: one of its subscriptions expired, Microsoft no longer notifying it. */
export function hasExpiredSubscription() {
  return sql<boolean>`exists (${integrationSubscriptions} and s.expires_at <= now())`;
}

/** How an import's issues begin when it could not make the subscriptions it wanted and polls instead. */
export const NOTIFICATIONS_UNAVAILABLE_ISSUE = "Change notifications unavailable, polling instead";

/** SQL, in a query on calendar_integrations: the latest import could not make its subscriptions (a webhook Microsoft cannot reach). */
export function lastImportLackedNotifications() {
  return sql<boolean>`coalesce((select exists (
      select 1 from jsonb_array_elements(r.issues) issue where issue->>'message' like ${`${NOTIFICATIONS_UNAVAILABLE_ISSUE}%`}
    ) from sync_runs r where r.integration_id = "calendar_integrations"."id" and r.kind = 'import' and r.status <> 'running'
    order by r.started_at desc limit 1), false)`;
}

/** SQL, in a query on calendar_integrations: one of its subscriptions expires within `renewBeforeMinutes` (or did). */
export function hasSubscriptionToRenew(renewBeforeMinutes: number) {
  return sql<boolean>`exists (${integrationSubscriptions} and s.expires_at < now() + ${renewBeforeMinutes} * interval '1 minute')`;
}

/**
 * The Graph resources an integration should be subscribed to: each imported calendar (`me/events` would cover the
 * default calendar only), or the default calendar. None when nothing is synced automatically.
 */
export function wantedResources(integration: IntegrationRow, settings: SubscriptionSettings | null): string[] {
  if (!settings || integration.status !== "active" || !integration.importEnabled || !integration.autoSyncEnabled)
    return [];
  if (integration.importCalendarIds.length === 0) return ["me/calendar/events"];
  return [...new Set(integration.importCalendarIds)].map((calendarId) => `me/calendars/${calendarId}/events`);
}

const expiration = (settings: SubscriptionSettings): string =>
  new Date(Date.now() + settings.lifetimeMinutes * 60_000).toISOString();

const subscriptionPath = (subscriptionId: string): string => `/subscriptions/${encodeURIComponent(subscriptionId)}`;

async function createSubscription(
  context: SubscriptionContext,
  settings: SubscriptionSettings,
  resource: string,
): Promise<void> {
  const { clientState, clientStateHash } = newClientState();
  const created = (await context.graph
    .api("/subscriptions")
    .header("Prefer", IMMUTABLE_IDS)
    .post({
      changeType: CHANGE_TYPES,
      notificationUrl: settings.notificationUrl,
      lifecycleNotificationUrl: settings.lifecycleNotificationUrl,
      resource,
      expirationDateTime: expiration(settings),
      clientState,
    })) as Subscription;
  if (!created.id || !created.expirationDateTime)
    throw new Error("Graph created a subscription without an id or expiry");
  await context.db.insert(graphSubscriptions).values({
    integrationId: context.integration.id,
    subscriptionId: created.id,
    resource,
    clientStateHash,
    expiresAt: new Date(created.expirationDateTime),
  });
}

/** Extends a subscription; one Graph no longer knows is replaced by a new one. */
export async function renewSubscription(
  context: SubscriptionContext,
  settings: SubscriptionSettings,
  row: GraphSubscriptionRow,
): Promise<"renewed" | "recreated"> {
  try {
    const renewed = (await context.graph
      .api(subscriptionPath(row.subscriptionId))
      .patch({ expirationDateTime: expiration(settings) })) as Subscription;
    const expiresAt = renewed.expirationDateTime
      ? new Date(renewed.expirationDateTime)
      : new Date(Date.now() + settings.lifetimeMinutes * 60_000);
    await context.db
      .update(graphSubscriptions)
      .set({ expiresAt, renewedAt: new Date() })
      .where(eq(graphSubscriptions.id, row.id));
    return "renewed";
  } catch (error) {
    if (graphStatusOf(error) !== 404) throw error;
    await context.db.delete(graphSubscriptions).where(eq(graphSubscriptions.id, row.id));
    await createSubscription(context, settings, row.resource);
    return "recreated";
  }
}

/** Deletes subscriptions in Graph (already gone is fine) and forgets them. */
export async function deleteSubscriptions(
  context: Pick<SubscriptionContext, "db" | "graph">,
  rows: GraphSubscriptionRow[],
): Promise<void> {
  for (const row of rows) {
    await context.graph
      .api(subscriptionPath(row.subscriptionId))
      .delete()
      .catch((error: unknown) => {
        if (graphStatusOf(error) !== 404) throw error;
      });
  }
  if (rows.length > 0)
    await context.db.delete(graphSubscriptions).where(
      inArray(
        graphSubscriptions.id,
        rows.map(({ id }) => id),
      ),
    );
}

/**
 * Brings an integration's subscriptions to what its settings want: one per imported calendar, created when missing,
 * renewed when expiring within `renewBeforeMinutes`, deleted when no longer wanted (calendar deselected, auto-sync
 * or import off, notifications impossible). Graph is called only when something has to change.
 */
export async function ensureSubscriptions(
  context: SubscriptionContext,
  settings: SubscriptionSettings | null,
): Promise<SubscriptionChanges> {
  const changes: SubscriptionChanges = { created: 0, renewed: 0, deleted: 0 };
  const wanted = new Set(wantedResources(context.integration, settings));
  const rows = await context.db
    .select()
    .from(graphSubscriptions)
    .where(eq(graphSubscriptions.integrationId, context.integration.id));
  const kept = new Map<string, GraphSubscriptionRow>();
  const unwanted: GraphSubscriptionRow[] = [];
  for (const row of rows) {
    if (wanted.has(row.resource) && !kept.has(row.resource)) kept.set(row.resource, row);
    else unwanted.push(row);
  }
  await deleteSubscriptions(context, unwanted);
  changes.deleted = unwanted.length;
  if (!settings) return changes;

  const renewBefore = Date.now() + settings.renewBeforeMinutes * 60_000;
  for (const resource of wanted) {
    const row = kept.get(resource);
    if (!row) {
      await createSubscription(context, settings, resource);
      changes.created++;
    } else if (row.expiresAt.getTime() < renewBefore) {
      changes[(await renewSubscription(context, settings, row)) === "renewed" ? "renewed" : "created"]++;
    }
  }
  return changes;
}

/** Renews one subscription on Microsoft's request (`reauthorizationRequired`), whatever its expiry. */
export async function renewSubscriptionNow(
  context: SubscriptionContext,
  settings: SubscriptionSettings | null,
  subscriptionId: string,
): Promise<"renewed" | "recreated" | "unknown"> {
  const [row] = await context.db
    .select()
    .from(graphSubscriptions)
    .where(
      and(
        eq(graphSubscriptions.integrationId, context.integration.id),
        eq(graphSubscriptions.subscriptionId, subscriptionId),
      ),
    );
  if (!row || !settings || !wantedResources(context.integration, settings).includes(row.resource)) return "unknown";
  return renewSubscription(context, settings, row);
}
