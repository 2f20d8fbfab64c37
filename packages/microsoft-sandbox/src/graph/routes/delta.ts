import type { Hono } from "hono";
import { SCOPES, requireScope } from "../auth";
import {
  graphJson,
  graphLink,
  graphPath,
  odataContext,
  renderOptionsFor,
  type GraphContext,
  type GraphEnv,
  type GraphRuntime,
} from "../context";
import {
  decodeDeltaToken,
  encodeDeltaToken,
  initialCursor,
  readDeltaPage,
  type DeltaCursor,
  type DeltaEntry,
} from "../delta";
import { GraphError, badRequest } from "../errors";
import { renderEvent, type RenderOptions } from "../event-json";
import type { MailboxStore } from "../mailbox-store";
import { CALENDAR_SCOPES, pageSize, parseWindow, queryParam } from "./common";
import { route } from "./paths";

const UNSUPPORTED_OPTIONS = ["$orderby", "$filter", "$select", "$expand", "$search", "$top"];

function rejectUnsupportedOptions(c: GraphContext): void {
  const used = UNSUPPORTED_OPTIONS.filter((name) => queryParam(c, name) !== undefined);
  if (used.length === 0) return;
  throw new GraphError(
    400,
    "ErrorInvalidUrlQuery",
    `The following parameters are not supported with change tracking over the 'CalendarView' resource: '${UNSUPPORTED_OPTIONS.join(", ")}'.`,
  );
}

/** 410 Gone with a Location to restart from, as Graph answers when it no longer has a token's sync state. */
function syncStateGone(c: GraphContext, runtime: GraphRuntime, cursor: DeltaCursor, mailbox: MailboxStore): GraphError {
  const restart = graphLink(runtime, graphPath(c), [
    ["startDateTime", encodeURIComponent(new Date(cursor.ws).toISOString())],
    ["endDateTime", encodeURIComponent(new Date(cursor.we).toISOString())],
    ["$deltatoken", ""],
  ]);
  return new GraphError(
    410,
    runtime.options().deltaExpiredCode,
    `The sync state generation is not found; generation=${cursor.g};[highest=${mailbox.syncGeneration}]`,
    { Location: restart },
  );
}

function tokenFrom(c: GraphContext): { token: string; kind: "skip" | "delta" } | undefined {
  const skip = queryParam(c, "$skiptoken");
  if (skip) return { token: skip, kind: "skip" };
  const delta = queryParam(c, "$deltatoken");
  if (delta) return { token: delta, kind: "delta" };
  return undefined;
}

function cursorOf(c: GraphContext, runtime: GraphRuntime, calendarId: string): DeltaCursor {
  const mailbox = c.get("mailbox");
  const presented = tokenFrom(c);
  if (!presented) return initialCursor(mailbox, calendarId, parseWindow(c));
  const cursor = decodeDeltaToken(presented.token);
  if (!cursor || cursor.m !== mailbox.owner.id || cursor.c !== calendarId)
    throw badRequest("The delta token is not valid for this resource.");
  const lifetime = runtime.options().deltaTokenLifetimeSeconds;
  const forgotten =
    cursor.g !== mailbox.syncGeneration ||
    cursor.from < mailbox.forgottenThrough ||
    (lifetime !== null && Date.now() - cursor.t > lifetime * 1000);
  const evicted = !forgotten && runtime.faults.expiresDeltaToken();
  if (evicted) c.set("injected", "fault:delta-token-expired");
  if (forgotten || evicted) throw syncStateGone(c, runtime, cursor, mailbox);
  // A deltaLink starts a new change round: fix its end now, so pages of the round agree on what they cover.
  return cursor.to === -1 ? { ...cursor, to: mailbox.seq } : cursor;
}

function renderEntry(entry: DeltaEntry, options: RenderOptions): Record<string, unknown> {
  if (entry.kind === "removed")
    return { "@odata.type": "#microsoft.graph.event", id: entry.id, "@removed": { reason: "deleted" } };
  return { "@odata.type": "#microsoft.graph.event", ...renderEvent(entry.instance, options) };
}

/**
 * calendarView/delta on the default calendar and on any calendar: pages bounded by
 * Prefer: odata.maxpagesize (capped by the server), @odata.nextLink until an @odata.deltaLink.
 */
export function registerDeltaRoutes(app: Hono<GraphEnv>, runtime: GraphRuntime): void {
  for (const scope of CALENDAR_SCOPES) {
    route(app, "get", `${scope.prefix}/calendarView/delta`, (c) => {
      requireScope(c, runtime.options().enforceScopes, SCOPES.readCalendars);
      rejectUnsupportedOptions(c);
      const options = runtime.options();
      const calendar = scope.calendar(c);
      const cursor = cursorOf(c, runtime, calendar.id);
      const { size, preferenceApplied } = pageSize(
        c,
        undefined,
        options.deltaDefaultPageSize,
        options.deltaMaxPageSize,
      );
      const immutable = c.get("preferences").immutableIds;
      const page = readDeltaPage(c.get("mailbox"), cursor, size, immutable);
      const renderOptions = renderOptionsFor(c, runtime, { select: undefined, extendedProperties: undefined });
      const value: Record<string, unknown>[] = [];
      for (const entry of page.entries) {
        const rendered = renderEntry(entry, renderOptions);
        value.push(rendered);
        if (value.length < size && runtime.faults.replaysDeltaEntry()) value.push(rendered);
      }
      const body: Record<string, unknown> = { "@odata.context": odataContext(runtime, "Collection(event)"), value };
      if (page.next)
        body["@odata.nextLink"] = graphLink(runtime, graphPath(c), [["$skiptoken", encodeDeltaToken(page.next)]]);
      if (page.nextRound)
        body["@odata.deltaLink"] = graphLink(runtime, graphPath(c), [
          ["$deltatoken", encodeDeltaToken(page.nextRound)],
        ]);
      return graphJson(c, body, 200, preferenceApplied);
    });
  }
}
