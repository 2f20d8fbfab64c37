import { randomUUID } from "node:crypto";
import {
  LOCALES,
  localeFromAcceptLanguage,
  streamTicketOf,
  type Authenticator,
  type CalendarFeedSettings,
  type Context,
  type DemoMode,
  type Locale,
} from "@agenda/api";
import type { Database } from "@agenda/db/client";
import type { IntegrationStatusFeed } from "@agenda/sync/integration-status";
import type { WebhookRejections } from "@agenda/sync/webhook-rejections";
import type { OutlookServices } from "@agenda/sync/outlook-services";
import type { Logger } from "@agenda/observability/logger";
import type { Sync } from "@agenda/sync";
import type { Context as HonoContext } from "hono";
import type { RateLimits } from "./rate-limit";
import type { AddinOptions } from "./routes/addin";

export interface AppDependencies {
  db: Database;
  authenticator: Authenticator;
  demo: DemoMode | null;
  outlook: OutlookServices | null;
  /** The sync engine and its job queue; unset, the sync procedures answer that Outlook is unavailable, the webhooks 503. */
  sync: Sync | null;
  /** Feeds `sync.onStatus`; without it the subscription answers that Outlook is unavailable. */
  statusFeed?: IntegrationStatusFeed | null;
  /** Where requests and failures are logged; unset, errors only, as JSON on standard output. */
  logger?: Logger;
  /** Browser origins allowed to call the API (CORS) and whether HSTS is sent; unset, same origin only, no HSTS. */
  security?: { allowedOrigins: readonly string[]; hsts: boolean };
  /** This process's job queue: /readyz fails once it stops. */
  queue?: { readonly accepting: boolean } | null;
  /** Bearer token of /metrics; unset, /metrics answers 401. */
  metricsToken?: string | undefined;
  /** Per-caller request budgets, shared by every server process; unset, no limit. */
  rateLimits?: RateLimits | undefined;
  /** Whether a proxy in front appends the client's address to X-Forwarded-For (TRUST_PROXY). */
  trustProxy?: boolean;
  /** Where the webhooks' refused items are counted and sampled; given by the process, which reports the last ones as it stops. */
  webhookRejections?: WebhookRejections;
  /** The Outlook add-in's sign-in and office.js; unset, its config names no Microsoft app and office.js is served here. */
  addin?: AddinOptions | undefined;
  /** Private calendar feeds (`/feeds/<secret>.ics`) and `.ics` downloads; unset, their procedures answer that they are unavailable. */
  calendarFeeds?: CalendarFeedSettings | undefined;
}

const REQUEST_ID = /^[\w.-]{1,128}$/;

/** The caller's request id when it sent a sane one (for tracing across apps), a fresh one otherwise. */
export function requestIdOf(c: HonoContext): string {
  const given = c.req.header("x-request-id");
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * The language the caller's interface shows right now (the web agenda sends it with every request): a person who
 * switched the interface to English reads the API's errors in English too, whatever their profile says.
 */
function chosenLocaleOf(c: HonoContext): Locale | null {
  const chosen = c.req.header("x-agenda-locale")?.trim().toLowerCase();
  return LOCALES.find((locale) => locale === chosen) ?? null;
}

/**
 * Who is calling, in which language: built once per request, shared by the tRPC and REST doors and the rate limits.
 * Credentials come from the Authorization header or, for a subscription (EventSource sends no headers), from a
 * stream ticket in tRPC's `connectionParams`: its holder may open that stream and nothing else.
 */
export async function createRequestContext(deps: AppDependencies, c: HonoContext, requestId: string): Promise<Context> {
  const authorization = c.req.header("authorization");
  const ticket = authorization ? undefined : streamTicketOf(c.req.raw);
  const authenticated = ticket === undefined ? await deps.authenticator.authenticate(deps.db, authorization) : null;
  const redeemed =
    ticket === undefined
      ? null
      : ticket === null
        ? "TOKEN_INVALID"
        : await deps.authenticator.redeemStreamTicket(deps.db, ticket);
  const caller = authenticated === null || typeof authenticated === "string" ? null : authenticated;
  const streamCaller = redeemed === null || typeof redeemed === "string" ? null : redeemed;
  const person = caller?.kind === "user" ? caller.user : streamCaller?.user;
  const locale = chosenLocaleOf(c) ?? person?.locale ?? localeFromAcceptLanguage(c.req.header("accept-language"));
  return {
    db: deps.db,
    caller,
    authFailure:
      typeof authenticated === "string"
        ? authenticated
        : typeof redeemed === "string"
          ? redeemed
          : streamCaller
            ? "STREAM_TICKET_ONLY"
            : null,
    streamCaller,
    locale,
    requestId,
    demo: deps.demo,
    outlook: deps.outlook,
    sync: deps.sync,
    statusFeed: deps.statusFeed ?? null,
    calendarFeeds: deps.calendarFeeds ?? null,
  };
}
