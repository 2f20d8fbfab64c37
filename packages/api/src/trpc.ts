import type { Database } from "@agenda/db/client";
import type { SecretSealer } from "@agenda/domain/calendar-feeds";
import { DomainError } from "@agenda/domain/errors";
import type { User } from "@agenda/domain/users";
import { hasServiceScope, type Viewer } from "@agenda/domain/viewer";
import type { IntegrationStatusFeed } from "@agenda/sync/integration-status";
import type { OutlookServices } from "@agenda/sync/outlook-services";
import type { Sync } from "@agenda/sync";
import { TRPCError, initTRPC } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";
import type { AuthFailure, Caller, StreamCaller } from "./auth";
import {
  errorMessage,
  validationIssues,
  validationSummary,
  type ApiErrorCode,
  type Locale,
  type ValidationIssue,
} from "./i18n";

/** Present only in demo mode: what demo sign-in needs to stand in for the platform. */
export interface DemoMode {
  signIn(email: string): Promise<{ token: string; user: User } | undefined>;
}

/** What private calendar feeds need from the deployment. */
export interface CalendarFeedSettings {
  /** This server's public origin (BACKEND_URL): the feeds' addresses. */
  origin: string;
  /** Where formations link back to (PLATFORM_URL, or this server). */
  platformUrl: string;
  /** The deployment's token vault: feed secrets are sealed with it so their owner can read the address again. */
  sealer: SecretSealer;
}

export interface Context {
  db: Database;
  caller: Caller | null;
  /** Why credentials the request carried were refused; STREAM_TICKET_ONLY when it carried a stream ticket. */
  authFailure: AuthFailure | "STREAM_TICKET_ONLY" | null;
  /** The holder of the stream ticket the request carried: they may open that stream (`streamProcedure`), nothing else. */
  streamCaller: StreamCaller | null;
  locale: Locale;
  requestId: string;
  demo: DemoMode | null;
  /** Microsoft (or the sandbox), when this deployment talks to it. */
  outlook: OutlookServices | null;
  /** Imports, exports and the job queue, when this deployment talks to Microsoft. */
  sync: Sync | null;
  /** Live integration statuses (`sync.onStatus`), where this deployment syncs with Microsoft. */
  statusFeed: IntegrationStatusFeed | null;
  /** Private calendar feeds and `.ics` downloads, where the deployment configured them. */
  calendarFeeds: CalendarFeedSettings | null;
}

const trpcCodeOf: Record<ApiErrorCode, TRPC_ERROR_CODE_KEY> = {
  EVENT_NOT_FOUND: "NOT_FOUND",
  FORMATION_NOT_FOUND: "NOT_FOUND",
  CONFLICT_NOT_FOUND: "NOT_FOUND",
  SERVICE_TOKEN_NOT_FOUND: "NOT_FOUND",
  EVENT_READ_ONLY: "FORBIDDEN",
  VERSION_CONFLICT: "CONFLICT",
  FORBIDDEN: "FORBIDDEN",
  TRAINER_ONLY_OWN_FORMATIONS: "FORBIDDEN",
  INVALID_INPUT: "BAD_REQUEST",
  OAUTH_STATE_INVALID: "BAD_REQUEST",
  OAUTH_STATE_EXPIRED: "BAD_REQUEST",
  OAUTH_STATE_REUSED: "BAD_REQUEST",
  OAUTH_STATE_FOREIGN: "BAD_REQUEST",
  OUTLOOK_CONSENT_DENIED: "FORBIDDEN",
  OUTLOOK_AUTHORIZATION_FAILED: "BAD_REQUEST",
  OUTLOOK_INVALID_CLIENT: "BAD_GATEWAY",
  OUTLOOK_REDIRECT_URI_MISMATCH: "BAD_GATEWAY",
  OUTLOOK_CONSENT_REQUIRED: "FORBIDDEN",
  OUTLOOK_CODE_REJECTED: "BAD_REQUEST",
  OUTLOOK_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  OUTLOOK_UNREACHABLE: "SERVICE_UNAVAILABLE",
  OUTLOOK_NOT_CONNECTED: "PRECONDITION_FAILED",
  OUTLOOK_NEEDS_REAUTH: "PRECONDITION_FAILED",
  OUTLOOK_CALENDAR_UNKNOWN: "BAD_REQUEST",
  FORMATION_NOT_EXPORTABLE: "PRECONDITION_FAILED",
  OUTLOOK_EXPORT_FAILED: "BAD_GATEWAY",
  OUTLOOK_ACCOUNT_IN_USE: "CONFLICT",
  SYNC_ALREADY_RUNNING: "CONFLICT",
  USER_NOT_FOUND: "NOT_FOUND",
  CALENDAR_FEED_NOT_FOUND: "NOT_FOUND",
  CALENDAR_FEEDS_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  EXTERNAL_ID_FOREIGN: "FORBIDDEN",
  FORMATION_SESSION_FOREIGN: "BAD_REQUEST",
  UNAUTHENTICATED: "UNAUTHORIZED",
  TOKEN_INVALID: "UNAUTHORIZED",
  TOKEN_EXPIRED: "UNAUTHORIZED",
  MICROSOFT_TOKEN_EXPIRED: "UNAUTHORIZED",
  MICROSOFT_TOKEN_SIGNATURE: "UNAUTHORIZED",
  MICROSOFT_TOKEN_ISSUER: "UNAUTHORIZED",
  MICROSOFT_TOKEN_AUDIENCE: "UNAUTHORIZED",
  MICROSOFT_TOKEN_SCOPE: "UNAUTHORIZED",
  MICROSOFT_ACCOUNT_UNKNOWN: "UNAUTHORIZED",
  SESSION_EXPIRED: "UNAUTHORIZED",
  SESSION_LIFETIME_INVALID: "UNAUTHORIZED",
  USER_DEACTIVATED: "UNAUTHORIZED",
  STREAM_TICKET_ONLY: "FORBIDDEN",
  PLATFORM_KEYS_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  BATCH_TOO_LARGE: "BAD_REQUEST",
  USER_ONLY: "FORBIDDEN",
  ADMIN_ONLY: "FORBIDDEN",
  DEMO_DISABLED: "NOT_FOUND",
  DEMO_USER_UNKNOWN: "NOT_FOUND",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  ROUTE_NOT_FOUND: "NOT_FOUND",
  MALFORMED_JSON: "BAD_REQUEST",
  INTERNAL: "INTERNAL_SERVER_ERROR",
};

/** A typed error whose message is already in the caller's language; `appCode` tells programs what happened. */
export class ApiError extends TRPCError {
  constructor(
    readonly appCode: ApiErrorCode,
    locale: Locale,
    params: Record<string, string | number> = {},
  ) {
    super({ code: trpcCodeOf[appCode], message: errorMessage(locale, appCode, params) });
  }
}

interface ErrorDetails {
  appCode: ApiErrorCode;
  message: string;
  issues?: ValidationIssue[];
}

/** What any error thrown inside a procedure tells the caller: never an internal message or a stack. */
export function describeError(error: TRPCError, locale: Locale): ErrorDetails {
  if (error instanceof ApiError) return { appCode: error.appCode, message: error.message };
  if (error.cause instanceof ZodError) {
    const issues = validationIssues(locale, error.cause);
    return { appCode: "INVALID_INPUT", message: validationSummary(locale, issues), issues };
  }
  if (error.code === "PAYLOAD_TOO_LARGE")
    return { appCode: "PAYLOAD_TOO_LARGE", message: errorMessage(locale, "PAYLOAD_TOO_LARGE", { limit: "1048576" }) };
  if (error.code === "PARSE_ERROR")
    return { appCode: "MALFORMED_JSON", message: errorMessage(locale, "MALFORMED_JSON") };
  if (error.code === "NOT_FOUND") return { appCode: "ROUTE_NOT_FOUND", message: error.message };
  if (error.code === "BAD_REQUEST") return { appCode: "INVALID_INPUT", message: error.message };
  return { appCode: "INTERNAL", message: errorMessage(locale, "INTERNAL") };
}

/**
 * How the REST doors answer a failed procedure: the tRPC error's HTTP status, and `{ error: { code, message, issues? } }`
 * in the caller's language. Anything that is not a tRPC error is an internal error and says nothing more.
 */
export function restErrorOf(
  error: unknown,
  locale: Locale,
): {
  status: number;
  body: { error: { code: ApiErrorCode; message: string; issues?: ValidationIssue[] } };
  internal: boolean;
} {
  const trpcError = error instanceof TRPCError ? error : new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: error });
  const { appCode, message, issues } = describeError(trpcError, locale);
  return {
    status: getHTTPStatusCodeFromError(trpcError),
    body: { error: { code: appCode, message, issues } },
    internal: trpcError.code === "INTERNAL_SERVER_ERROR",
  };
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error, ctx }) {
    const details = describeError(error, ctx?.locale ?? "fr");
    return {
      ...shape,
      message: details.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        appCode: details.appCode,
        issues: details.issues,
      },
    };
  },
  // Subscriptions stay open for hours: pings keep proxies from closing a quiet stream, and a client that hears
  // nothing for twice that long reconnects.
  sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 30_000 } },
});

/** Domain code throws DomainError; here it becomes the matching typed error, in the caller's language. */
const translateDomainErrors = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    throw new ApiError(result.error.cause.code, ctx.locale, result.error.cause.params);
  }
  return result;
});

/** Where an input holds a NUL character (in a string or a key), which PostgreSQL cannot store in text; null if nowhere. */
function nulCharacterPath(input: unknown): string | null {
  const pending: Array<{ value: unknown; path: string }> = [{ value: input, path: "" }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { value, path } = item;
    if (typeof value === "string" && value.includes("\u0000")) return path || "input";
    if (typeof value !== "object" || value === null) continue;
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      if (key.includes("\u0000")) return childPath;
      pending.push({ value: child, path: childPath });
    }
  }
  return null;
}

/** Refuses, as invalid input, what no schema thought of and the database cannot hold: NUL characters anywhere. */
const refuseNulCharacters = t.middleware(async ({ ctx, getRawInput, next }) => {
  // A body that is not JSON is the input parser's to refuse (MALFORMED_JSON); a procedure without input reads none.
  const field = nulCharacterPath(await getRawInput().catch(() => undefined));
  if (field !== null) throw new ApiError("INVALID_INPUT", ctx.locale, { field, reason: "nulCharacter" });
  return next();
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(translateDomainErrors).use(refuseNulCharacters);

/** Any authenticated caller: a platform user or a service token. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.caller) throw new ApiError(ctx.authFailure ?? "UNAUTHENTICATED", ctx.locale);
  const caller = ctx.caller;
  const viewer: Viewer =
    caller.kind === "user"
      ? { kind: "user", userId: caller.user.id, role: caller.user.role }
      : {
          kind: "service",
          serviceTokenId: caller.serviceToken.id,
          serviceName: caller.serviceToken.name,
          scopes: caller.serviceToken.scopes,
        };
  return next({ ctx: { ...ctx, caller, viewer } });
});

/** A signed-in platform user; their own data only. */
export const userProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.caller.kind !== "user") throw new ApiError("USER_ONLY", ctx.locale);
  return next({ ctx: { ...ctx, user: ctx.caller.user, tokenExpiresAt: ctx.caller.tokenExpiresAt } });
});

/** Who may tell Agenda that a platform user left or came back: the platform's own apps (`users:write`) and admins. */
export const userAdministrationProcedure = authedProcedure.use(({ ctx, next }) => {
  const allowed =
    ctx.viewer.kind === "service" ? hasServiceScope(ctx.viewer, "users:write") : ctx.viewer.role === "admin";
  if (!allowed) throw new ApiError("FORBIDDEN", ctx.locale);
  return next();
});

/** A signed-in admin. */
export const adminProcedure = userProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "admin") throw new ApiError("ADMIN_ONLY", ctx.locale);
  return next();
});

/**
 * A stream (a subscription) of a signed-in user: opened with their credentials in a header, or with a stream ticket
 * issued for exactly this procedure (what browsers' EventSource sends, in the URL).
 */
export const streamProcedure = publicProcedure.use(({ ctx, path, next }) => {
  const holder =
    ctx.streamCaller?.purpose === path ? ctx.streamCaller : ctx.caller?.kind === "user" ? ctx.caller : null;
  if (!holder) throw new ApiError(ctx.caller ? "USER_ONLY" : (ctx.authFailure ?? "UNAUTHENTICATED"), ctx.locale);
  return next({ ctx: { ...ctx, user: holder.user, tokenExpiresAt: holder.tokenExpiresAt } });
});

/** A signed-in user, on a deployment connected to Microsoft. */
export const outlookProcedure = userProcedure.use(({ ctx, next }) => {
  if (!ctx.outlook) throw new ApiError("OUTLOOK_UNAVAILABLE", ctx.locale);
  return next({ ctx: { ...ctx, outlook: ctx.outlook } });
});

/** A signed-in user, on a deployment that syncs with Microsoft. */
export const syncProcedure = userProcedure.use(({ ctx, next }) => {
  if (!ctx.sync) throw new ApiError("OUTLOOK_UNAVAILABLE", ctx.locale);
  return next({ ctx: { ...ctx, sync: ctx.sync } });
});

/** A signed-in user, on a deployment serving calendar feeds. */
export const calendarFeedProcedure = userProcedure.use(({ ctx, next }) => {
  if (!ctx.calendarFeeds) throw new ApiError("CALENDAR_FEEDS_UNAVAILABLE", ctx.locale);
  return next({ ctx: { ...ctx, calendarFeeds: ctx.calendarFeeds } });
});
