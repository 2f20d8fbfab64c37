import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Database } from "@agenda/db/client";
import { agendaEvents, calendarIntegrations, graphSubscriptions, oauthStates, syncCursors } from "@agenda/db/schema";
import { recordAudit } from "@agenda/domain/audit";
import { DomainError, type DomainErrorCode } from "@agenda/domain/errors";
import { createGraphClient, isAlreadyGone } from "@agenda/graph/graph-client";
import { USER_FACING_RETRY } from "@agenda/graph/graph-middleware";
import { MicrosoftAuthError } from "@agenda/graph/microsoft-identity";
import { GraphError } from "@microsoft/microsoft-graph-client";
import type { User as GraphUser } from "@microsoft/microsoft-graph-types";
import { and, eq, isNotNull, isNull, lt, ne, sql } from "drizzle-orm";
import postgres from "postgres";
import { z } from "zod";
import { publishIntegrationStatus } from "../status/integration-status";
import { importedEventCounts } from "../reconcile/settings-cleanup";
import { integrationIsNotified, integrationView, type IntegrationView } from "./integrations";
import { outlookFailureOf, type OutlookServices } from "./outlook-services";

/** How long a sign-in started in the platform may take to come back: Microsoft's own codes live 10 minutes. */
const STATE_LIFETIME_MS = 10 * 60_000;

export const outlookCallbackInput = z.object({
  state: z.string().min(1).max(512),
  code: z.string().min(1).max(4096).optional(),
  /** Microsoft's `error` and `error_description` when the user refused or sign-in failed. */
  error: z.string().max(128).optional(),
  errorDescription: z.string().max(2048).optional(),
});
export type OutlookCallbackInput = z.output<typeof outlookCallbackInput>;

export const disconnectOutlookInput = z.object({
  /** Also delete from Outlook the formations this product put there. */
  removeExportedFormations: z.boolean(),
});

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

/** Starts connecting Outlook: a single-use state bound to this user, and the Microsoft sign-in URL carrying it. */
export async function beginOutlookConnection(
  services: OutlookServices,
  user: { id: string; email: string },
): Promise<{ url: string; expiresAt: string }> {
  const state = randomBytes(32).toString("base64url");
  const stateHash = sha256(state);
  const { url, codeVerifier } = await services.identity
    .beginAuthorization({ state, loginHint: user.email })
    .catch((error: unknown) => {
      throw domainErrorOf(error);
    });
  const expiresAt = new Date(Date.now() + STATE_LIFETIME_MS);
  await services.db.delete(oauthStates).where(lt(oauthStates.expiresAt, new Date(Date.now() - 24 * 3_600_000)));
  await services.db.insert(oauthStates).values({
    userId: user.id,
    stateHash,
    sealedCodeVerifier: services.vault.seal(codeVerifier, stateHash),
    expiresAt,
  });
  return { url, expiresAt: expiresAt.toISOString() };
}

/** What the product can tell the user about a failure Microsoft reported, with what to check. */
function domainErrorOf(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (!(error instanceof MicrosoftAuthError)) return new DomainError("OUTLOOK_UNAVAILABLE");
  const codes: Record<MicrosoftAuthError["failure"], DomainErrorCode> = {
    invalidClient: "OUTLOOK_INVALID_CLIENT",
    redirectUriMismatch: "OUTLOOK_REDIRECT_URI_MISMATCH",
    consentRequired: "OUTLOOK_CONSENT_REQUIRED",
    invalidGrant: "OUTLOOK_CODE_REJECTED",
    reauthRequired: "OUTLOOK_CODE_REJECTED",
    transient: "OUTLOOK_UNAVAILABLE",
    unreachable: "OUTLOOK_UNREACHABLE",
    other: "OUTLOOK_AUTHORIZATION_FAILED",
  };
  return new DomainError(codes[error.failure], { reason: error.aadsts ? `AADSTS${error.aadsts}` : error.description });
}

/** The unique index behind "one Microsoft account, one platform user", for two users connecting it at the same moment. */
const ONE_USER_PER_ACCOUNT = "calendar_integrations_ms_account_key";

/** Whether `error` is a write refused by that index (drizzle wraps the driver's error in one of its own). */
function isAccountAlreadyConnected(error: unknown): boolean {
  const cause = error instanceof Error && error.cause instanceof postgres.PostgresError ? error.cause : error;
  return (
    cause instanceof postgres.PostgresError && cause.code === "23505" && cause.constraint_name === ONE_USER_PER_ACCOUNT
  );
}

/** Consumes the state once, whatever happens next: a state is never good twice. */
async function consumeState(
  db: Database,
  userId: string,
  state: string,
): Promise<{ stateHash: string; sealedCodeVerifier: string }> {
  const stateHash = sha256(state);
  const [consumed] = await db
    .update(oauthStates)
    .set({ consumedAt: new Date() })
    .where(and(eq(oauthStates.stateHash, stateHash), isNull(oauthStates.consumedAt)))
    .returning();
  if (!consumed) {
    const [known] = await db
      .select({ id: oauthStates.id })
      .from(oauthStates)
      .where(eq(oauthStates.stateHash, stateHash));
    throw new DomainError(known ? "OAUTH_STATE_REUSED" : "OAUTH_STATE_INVALID");
  }
  if (consumed.expiresAt < new Date()) throw new DomainError("OAUTH_STATE_EXPIRED");
  if (consumed.userId !== userId) throw new DomainError("OAUTH_STATE_FOREIGN");
  return { stateHash, sealedCodeVerifier: consumed.sealedCodeVerifier };
}

/**
 * Completes the connection from Microsoft's redirect: checks the state, redeems the code with the PKCE verifier,
 * reads who the account is, and stores the integration with its tokens sealed. Stores nothing when any step fails,
 * nor when another user has that Microsoft account connected: the add-in's Microsoft tokens name their caller by the
 * account, so an account speaks for one user at a time.
 */
export async function completeOutlookConnection(
  services: OutlookServices,
  userId: string,
  input: OutlookCallbackInput,
): Promise<IntegrationView> {
  const { db } = services;
  try {
    const { stateHash, sealedCodeVerifier } = await consumeState(db, userId, input.state);
    if (input.error) {
      throw new DomainError(
        input.error === "access_denied" ? "OUTLOOK_CONSENT_DENIED" : "OUTLOOK_AUTHORIZATION_FAILED",
        {
          reason: (input.errorDescription ?? input.error).split(/\s*Trace ID:/)[0]?.slice(0, 300) ?? input.error,
        },
      );
    }
    if (!input.code) throw new DomainError("OUTLOOK_AUTHORIZATION_FAILED", { reason: "no code" });
    const codeVerifier = services.vault.open(sealedCodeVerifier, stateHash);
    const account = await services.identity.redeemCode({ code: input.code, codeVerifier });
    const me = (await createGraphClient({
      origin: services.graphOrigin,
      accessToken: async () => account.accessToken,
      limiter: services.limiters.for(account.homeAccountId),
      retry: USER_FACING_RETRY,
    })
      .api("/me")
      .select(["id", "displayName", "mail", "userPrincipalName"])
      .get()) as GraphUser;

    const accountEmail = me.mail ?? me.userPrincipalName ?? account.username;
    const accountInUse = new DomainError("OUTLOOK_ACCOUNT_IN_USE", { email: accountEmail });
    const integration = await db
      .transaction(async (tx) => {
        const [holder] = await tx
          .select({ id: calendarIntegrations.id })
          .from(calendarIntegrations)
          .where(
            and(
              eq(calendarIntegrations.msTenantId, account.tenantId),
              eq(calendarIntegrations.msObjectId, account.objectId),
              ne(calendarIntegrations.status, "disconnected"),
              ne(calendarIntegrations.userId, userId),
            ),
          );
        if (holder) throw accountInUse;
        const [existing] = await tx
          .select()
          .from(calendarIntegrations)
          .where(and(eq(calendarIntegrations.userId, userId), eq(calendarIntegrations.provider, "outlook")))
          .for("update");
        const id = existing?.id ?? randomUUID();
        const sameAccount = existing?.msTenantId === account.tenantId && existing.msObjectId === account.objectId;
        const connected = {
          msTenantId: account.tenantId,
          msObjectId: account.objectId,
          msHomeAccountId: account.homeAccountId,
          accountEmail,
          accountName: me.displayName ?? account.name,
          encryptedTokenCache: services.vault.seal(account.tokenCache, id),
          grantedScopes: account.scopes,
          status: "active" as const,
          statusReason: null,
          updatedAt: new Date(),
        };
        if (existing && !sameAccount) {
          // Calendars and delta cursors belonged to the previous Microsoft account.
          await tx.delete(syncCursors).where(eq(syncCursors.integrationId, id));
          Object.assign(connected, { importCalendarIds: [], exportCalendarId: null });
        }
        const [row] = existing
          ? await tx.update(calendarIntegrations).set(connected).where(eq(calendarIntegrations.id, id)).returning()
          : await tx
              .insert(calendarIntegrations)
              .values({ id, userId, ...connected })
              .returning();
        if (!row) throw new Error("integration write returned no row");
        await recordAudit(tx, {
          userId,
          actorUserId: userId,
          integrationId: id,
          action: existing ? "outlook.reconnect" : "outlook.connect",
          outcome: "success",
          detail: {
            account: connected.accountEmail,
            tenantId: account.tenantId,
            reconnect: Boolean(existing),
            scopes: account.scopes,
          },
        });
        await publishIntegrationStatus(tx, userId);
        return row;
      })
      .catch((error: unknown) => {
        // Another user connected the account between the check above and the write.
        throw isAccountAlreadyConnected(error) ? accountInUse : error;
      });
    services.forget(integration.id);
    const counts = (await importedEventCounts(db, [integration.id])).get(integration.id) ?? {};
    return integrationView(integration, await integrationIsNotified(db, integration.id), counts);
  } catch (error) {
    const cause = outlookFailureOf(error);
    const failure =
      cause instanceof DomainError || cause instanceof MicrosoftAuthError
        ? domainErrorOf(cause)
        : cause instanceof GraphError
          ? new DomainError("OUTLOOK_UNAVAILABLE")
          : undefined;
    await recordAudit(db, {
      userId,
      actorUserId: userId,
      action: "outlook.connect",
      outcome: "failure",
      detail: failure ? { code: failure.code, ...failure.params } : { code: "INTERNAL" },
    });
    throw failure ?? error;
  }
}

/**
 * Disconnects Outlook: forgets the tokens, drops subscriptions and cursors, removes imported Outlook events from the
 * agenda, and, when asked, deletes from Outlook the formations exported there. What could not be removed is said.
 */
export async function disconnectOutlook(
  services: OutlookServices,
  userId: string,
  options: z.output<typeof disconnectOutlookInput>,
): Promise<{ removedFromOutlook: number; notRemovedFromOutlook: number }> {
  const { db } = services;
  const [integration] = await db
    .select()
    .from(calendarIntegrations)
    .where(and(eq(calendarIntegrations.userId, userId), eq(calendarIntegrations.provider, "outlook")));
  if (!integration || integration.status === "disconnected") throw new DomainError("OUTLOOK_NOT_CONNECTED");

  let removedFromOutlook = 0;
  let notRemovedFromOutlook = 0;
  const graph = services.graphFor(integration.id, { retry: USER_FACING_RETRY });
  // Once Microsoft is out of reach, every call left would take as long to fail: they are not made.
  let unreachable = false;
  const noteUnreachable = (error: unknown) => {
    const failure = outlookFailureOf(error);
    unreachable ||= failure instanceof DomainError && failure.code === "OUTLOOK_UNREACHABLE";
  };
  if (options.removeExportedFormations) {
    const exported = await db
      .select({ graphEventId: agendaEvents.graphEventId })
      .from(agendaEvents)
      .where(
        and(
          eq(agendaEvents.integrationId, integration.id),
          eq(agendaEvents.source, "formation"),
          isNotNull(agendaEvents.graphEventId),
        ),
      );
    for (const { graphEventId } of exported) {
      if (unreachable) break;
      try {
        await graph.api(`/me/events/${encodeURIComponent(graphEventId ?? "")}`).delete();
        removedFromOutlook++;
      } catch (error) {
        if (isAlreadyGone(error)) removedFromOutlook++;
        else noteUnreachable(error);
      }
    }
    notRemovedFromOutlook = exported.length - removedFromOutlook;
  }
  const subscriptions = await db
    .select()
    .from(graphSubscriptions)
    .where(eq(graphSubscriptions.integrationId, integration.id));
  for (const subscription of subscriptions) {
    if (unreachable) break;
    // Best effort: a subscription left behind expires on its own within days and its notifications are refused.
    await graph
      .api(`/subscriptions/${encodeURIComponent(subscription.subscriptionId)}`)
      .delete()
      .catch(noteUnreachable);
  }

  await db.transaction(async (tx) => {
    await tx.delete(graphSubscriptions).where(eq(graphSubscriptions.integrationId, integration.id));
    await tx.delete(syncCursors).where(eq(syncCursors.integrationId, integration.id));
    const removed = await tx
      .delete(agendaEvents)
      .where(and(eq(agendaEvents.integrationId, integration.id), eq(agendaEvents.source, "outlook")))
      .returning({ id: agendaEvents.id });
    const unlinked = await tx
      .update(agendaEvents)
      .set({
        integrationId: null,
        graphEventId: null,
        graphIcalUid: null,
        graphChangeKey: null,
        graphCalendarId: null,
        exportedFormationVersion: null,
        syncStatus: "synced",
        syncError: null,
        version: sql`${agendaEvents.version} + 1`,
        updatedAt: new Date(),
      })
      .where(eq(agendaEvents.integrationId, integration.id))
      .returning({ id: agendaEvents.id });
    await tx
      .update(calendarIntegrations)
      .set({ encryptedTokenCache: null, status: "disconnected", statusReason: null, updatedAt: new Date() })
      .where(eq(calendarIntegrations.id, integration.id));
    await recordAudit(tx, {
      userId,
      actorUserId: userId,
      integrationId: integration.id,
      action: "outlook.disconnect",
      outcome: notRemovedFromOutlook ? "failure" : "success",
      detail: { removeExportedFormations: options.removeExportedFormations, removedFromOutlook, notRemovedFromOutlook },
    });
    await publishIntegrationStatus(tx, userId, {
      created: 0,
      updated: unlinked.length,
      deleted: removed.length,
      failed: 0,
    });
  });
  services.forget(integration.id);
  return { removedFromOutlook, notRemovedFromOutlook };
}
