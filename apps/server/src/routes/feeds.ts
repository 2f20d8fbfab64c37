import { errorMessage, localeFromAcceptLanguage, type CalendarFeedSettings } from "@agenda/api";
import type { Database } from "@agenda/db/client";
import {
  CALENDAR_FEED_SECRET_PREFIX,
  CalendarFeedHashes,
  findCalendarFeedBySecret,
  pollCalendarFeed,
  type FeedVersion,
} from "@agenda/domain/calendar-feeds";
import type { Logger } from "@agenda/observability/logger";
import { withLogContext } from "@agenda/observability/logger";
import { formationLink } from "@agenda/domain/links";
import { Hono, type Context as HonoContext } from "hono";
import { compress } from "hono/compress";
import { z } from "zod";
import { requestIdOf } from "../context";
import { clientAddressOf, type RequestBudgets } from "../rate-limit";
import { requestLog } from "../request-log";

export interface FeedRouteOptions {
  db: Database;
  settings: CalendarFeedSettings;
  logger: Logger;
  /** Per-feed budgets (and per-address ones for unknown addresses); unset, no limit. */
  budgets: RequestBudgets | undefined;
  trustProxy: boolean;
}

/** `<secret>.ics`, the secret being its prefix and 32 bytes in base64url; any other name opens no feed. */
const feedFile = z
  .string()
  .regex(new RegExp(`^${CALENDAR_FEED_SECRET_PREFIX}[\\w-]{43}\\.ics$`))
  .transform((file) => file.slice(0, -".ics".length));

/** A refusal as the REST doors give them: calendar apps show neither, people opening the address in a browser read it. */
function refusal(
  c: HonoContext,
  status: 404 | 429,
  code: "CALENDAR_FEED_NOT_FOUND" | "RATE_LIMITED",
  params: Record<string, number> = {},
): Response {
  const message = errorMessage(localeFromAcceptLanguage(c.req.header("accept-language")), code, params);
  return c.json({ error: { code, message } }, status);
}

/** The entity tags an If-None-Match lists (`*` for any), opaque parts only: it compares them weakly (RFC 9110 13.1.2). */
function listedTags(header: string): string[] {
  return header.split(",").map((tag) => tag.trim().replace(/^W\//, ""));
}

/**
 * Whether the poller holds this version: If-None-Match when sent (it wins over If-Modified-Since, RFC 9110 13.2.2),
 * else If-Modified-Since.
 */
function pollerHolds(c: HonoContext, { contentHash, changedAt }: FeedVersion): boolean {
  const noneMatch = c.req.header("if-none-match");
  if (noneMatch !== undefined) return listedTags(noneMatch).some((tag) => tag === "*" || tag === `"${contentHash}"`);
  return Date.parse(c.req.header("if-modified-since") ?? "") >= changedAt.getTime();
}

/**
 * `GET /feeds/<secret>.ics`: a person's private feed, for calendar apps that poll it without signing in. Polling is
 * cheap for both sides: a weak ETag (the content's hash) and Last-Modified answer 304 when nothing changed, found
 * from a fingerprint of the rows without writing the text, and `no-cache` makes every client cache ask again, so a
 * rotated or deleted address stops at once.
 */
export function feedRoutes(options: FeedRouteOptions) {
  const { db, settings, budgets } = options;
  const hashes = new CalendarFeedHashes();
  // Formation ids are UUIDs, which need no escaping: the link is made once, not parsed again for each of 2,000 events.
  const linkPrefix = formationLink(settings.platformUrl, "");
  return new Hono()
    .use("*", async (c, next) => {
      const requestId = requestIdOf(c);
      c.header("x-request-id", requestId);
      await withLogContext({ requestId }, next);
    })
    .use("*", requestLog(options.logger))
    .use("*", compress())
    .get("/:file", async (c) => {
      const secret = feedFile.safeParse(c.req.param("file"));
      const feed = secret.success ? await findCalendarFeedBySecret(db, secret.data) : undefined;
      // Each feed has its own budget; addresses guessing at secrets spend the anonymous one.
      const spent = await budgets?.spend(feed ? "feed" : "address", feed?.id ?? clientAddressOf(c, options.trustProxy));
      if (spent && !spent.allowed) {
        c.header("retry-after", String(spent.retryAfterSeconds));
        return refusal(c, 429, "RATE_LIMITED", { seconds: spent.retryAfterSeconds });
      }
      if (!feed) return refusal(c, 404, "CALENDAR_FEED_NOT_FOUND");

      const context = { formationLink: (id: string) => linkPrefix + id, locale: feed.owner.locale };
      const poll = await pollCalendarFeed(db, feed, context, hashes, (version) => pollerHolds(c, version));
      // Weak: compression gives the same content other bytes.
      c.header("etag", `W/"${poll.contentHash}"`);
      c.header("last-modified", poll.changedAt.toUTCString());
      c.header("cache-control", "private, no-cache");
      if (poll.unchanged) return c.body(null, 304);
      return c.body(poll.text, 200, { "content-type": "text/calendar; charset=utf-8" });
    });
}
