import type { Database } from "@agenda/db/client";
import { calendarIntegrations } from "@agenda/db/schema";
import { recordAudit } from "@agenda/domain/audit";
import { DomainError } from "@agenda/domain/errors";
import { createGraphClient, type GraphClientOptions } from "@agenda/graph/graph-client";
import {
  AccessTokenError,
  ForeignOriginError,
  MicrosoftUnreachableError,
  type GraphAttempt,
} from "@agenda/graph/graph-middleware";
import { MailboxLimiters } from "@agenda/graph/mailbox-limiter";
import { MicrosoftAuthError, type MicrosoftIdentity } from "@agenda/graph/microsoft-identity";
import type { Client } from "@microsoft/microsoft-graph-client";
import { eq } from "drizzle-orm";
import { publishIntegrationStatus } from "../status/integration-status";
import { silentLogger, type Logger } from "@agenda/observability/logger";
import type { TokenVault } from "./token-vault";

/**
 * One line per Graph attempt with what Microsoft's support asks for: its request-id and client-request-id, the time
 * (every line has it) and the status. Failures and throttling at `warn`, the rest at `debug`. The path only: query
 * strings carry delta and skip tokens.
 */
function logGraphAttempt(logger: Logger, integrationId: string, attempt: GraphAttempt): void {
  const { method, status, durationMs, requestId, clientRequestId, retryInMs } = attempt;
  const graph = {
    method,
    path: new URL(attempt.url).pathname,
    status,
    durationMs,
    requestId,
    clientRequestId,
    retryInMs,
  };
  if (status === undefined || status >= 400) logger.warn({ integrationId, graph }, "graph call failed");
  else logger.debug({ integrationId, graph }, "graph call");
}

/**
 * What a failed call to Microsoft means for its caller. The token's own failure (a DomainError) comes wrapped by the
 * Graph client, and is unwrapped; Microsoft out of reach is OUTLOOK_UNREACHABLE, and a link Graph gave to another
 * origin OUTLOOK_UNAVAILABLE: an answer the product cannot use.
 */
export function outlookFailureOf(error: unknown): unknown {
  const failure = error instanceof AccessTokenError ? error.cause : error;
  if (failure instanceof MicrosoftUnreachableError) return new DomainError("OUTLOOK_UNREACHABLE");
  if (failure instanceof ForeignOriginError) return new DomainError("OUTLOOK_UNAVAILABLE");
  return failure;
}

/** Why the user must reconnect, as the integration keeps it and as they are told. */
function reauthReason(error: MicrosoftAuthError): string {
  return error.aadsts ? `AADSTS${error.aadsts}: ${error.description}` : error.description;
}

/** How long before its expiry a cached access token is no longer handed out. */
const TOKEN_MARGIN_MS = 5 * 60_000;

type TokenFailure = { failure: MicrosoftAuthError };

/**
 * Everything that talks to Microsoft for integrations: the identity client, the token vault and Graph's origin,
 * plus the one place access tokens come from.
 */
export class OutlookServices {
  readonly #memo = new Map<string, { accessToken: string; expiresOn: Date }>();
  readonly #inFlight = new Map<string, Promise<string>>();
  readonly limiters = new MailboxLimiters();

  constructor(
    readonly db: Database,
    readonly identity: MicrosoftIdentity,
    readonly vault: TokenVault,
    readonly graphOrigin: string,
    /** Where sync runs, jobs and Graph calls are logged. */
    readonly logger: Logger = silentLogger,
  ) {}

  /**
   * A valid access token for an integration. Refreshes when the token is near expiry; concurrent callers in this
   * process share one refresh, and a row lock makes callers in other processes wait for it and reuse its result.
   * A grant Microsoft no longer honours turns the integration to `needs_reauth` and stops here.
   */
  async accessToken(integrationId: string, options: { forceRefresh?: boolean } = {}): Promise<string> {
    const memo = this.#memo.get(integrationId);
    if (!options.forceRefresh && memo && memo.expiresOn.getTime() - Date.now() > TOKEN_MARGIN_MS)
      return memo.accessToken;
    let flight = this.#inFlight.get(integrationId);
    if (!flight) {
      flight = this.#acquire(integrationId, options.forceRefresh ?? false).finally(() =>
        this.#inFlight.delete(integrationId),
      );
      this.#inFlight.set(integrationId, flight);
    }
    return flight;
  }

  /** A Graph client acting for an integration's mailbox, sharing the mailbox's limiter with every other one here. */
  graphFor(integrationId: string, options: Pick<GraphClientOptions, "onAttempt" | "retry"> = {}): Client {
    return createGraphClient({
      origin: this.graphOrigin,
      accessToken: (request) => this.accessToken(integrationId, request),
      limiter: this.limiters.for(integrationId),
      ...options,
      onAttempt: (attempt) => {
        logGraphAttempt(this.logger, integrationId, attempt);
        options.onAttempt?.(attempt);
      },
    });
  }

  /** Forgets what this process cached for an integration (after a disconnect or a reconnect). */
  forget(integrationId: string): void {
    this.#memo.delete(integrationId);
  }

  async #acquire(integrationId: string, forceRefresh: boolean): Promise<string> {
    const outcome = await this.db.transaction(
      async (tx): Promise<{ accessToken: string; expiresOn: Date } | TokenFailure> => {
        const [row] = await tx
          .select()
          .from(calendarIntegrations)
          .where(eq(calendarIntegrations.id, integrationId))
          .for("update");
        if (!row?.encryptedTokenCache || row.status === "disconnected") throw new DomainError("OUTLOOK_NOT_CONNECTED");
        if (row.status === "needs_reauth")
          throw new DomainError("OUTLOOK_NEEDS_REAUTH", { reason: row.statusReason ?? "" });
        const cache = this.vault.open(row.encryptedTokenCache, row.id);
        try {
          const token = await this.identity.acquireToken(cache, row.msHomeAccountId, { forceRefresh });
          if (token.tokenCache !== cache || this.vault.isStale(row.encryptedTokenCache)) {
            await tx
              .update(calendarIntegrations)
              .set({ encryptedTokenCache: this.vault.seal(token.tokenCache, row.id), updatedAt: new Date() })
              .where(eq(calendarIntegrations.id, row.id));
          }
          return { accessToken: token.accessToken, expiresOn: token.expiresOn };
        } catch (error) {
          if (!(error instanceof MicrosoftAuthError)) throw error;
          if (error.failure !== "reauthRequired" && error.failure !== "invalidGrant") {
            await recordAudit(tx, {
              userId: row.userId,
              integrationId: row.id,
              action: "outlook.refresh_failed",
              outcome: "failure",
              detail: { failure: error.failure, aadsts: error.aadsts },
            });
            return { failure: error };
          }
          const reason = reauthReason(error);
          await tx
            .update(calendarIntegrations)
            .set({ status: "needs_reauth", statusReason: reason, updatedAt: new Date() })
            .where(eq(calendarIntegrations.id, row.id));
          await recordAudit(tx, {
            userId: row.userId,
            integrationId: row.id,
            action: "outlook.needs_reauth",
            outcome: "failure",
            detail: { reason },
          });
          await publishIntegrationStatus(tx, row.userId);
          return { failure: error };
        }
      },
    );
    if ("failure" in outcome) {
      const { failure } = outcome;
      if (failure.failure === "reauthRequired" || failure.failure === "invalidGrant") {
        this.#memo.delete(integrationId);
        throw new DomainError("OUTLOOK_NEEDS_REAUTH", { reason: reauthReason(failure) });
      }
      // A network failure is not a refusal: the grant stands, and the integration stays active.
      if (failure.failure === "unreachable") throw new DomainError("OUTLOOK_UNREACHABLE");
      throw new DomainError(failure.failure === "invalidClient" ? "OUTLOOK_INVALID_CLIENT" : "OUTLOOK_UNAVAILABLE");
    }
    this.#memo.set(integrationId, outcome);
    return outcome.accessToken;
  }
}
