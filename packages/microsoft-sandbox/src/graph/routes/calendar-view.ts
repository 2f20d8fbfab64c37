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
import { EVENT_PROPERTIES, instanceId, renderEvent } from "../event-json";
import type { EventInstance } from "../event-model";
import { instancesInWindow } from "../instances";
import {
  parseEventFilter,
  parseEventOrderBy,
  parseExtendedPropertyExpand,
  parseSelect,
  parseSkip,
  parseTop,
} from "../odata";
import { CALENDAR_SCOPES, pageSize, parseWindow, queryParam } from "./common";
import { route } from "./paths";

/** The query of the current request without paging options, to carry into @odata.nextLink. */
function carriedQuery(c: GraphContext): [string, string][] {
  return Object.entries(c.req.query())
    .filter(([name]) => !/^\$(top|skip)$/i.test(name))
    .map(([name, value]) => [name, encodeURIComponent(value)]);
}

/**
 * Filters, orders and pages a list of events ($filter, $orderby, $select, $expand, $top or
 * Prefer: odata.maxpagesize, $skip), linking the next page with an absolute @odata.nextLink.
 */
export function respondWithEventPage(
  c: GraphContext,
  runtime: GraphRuntime,
  all: EventInstance[],
  contextFragment: string,
): Response {
  const options = runtime.options();
  const filter = parseEventFilter(queryParam(c, "$filter"));
  const orderBy = parseEventOrderBy(queryParam(c, "$orderby"));
  const select = parseSelect(queryParam(c, "$select"), EVENT_PROPERTIES, "event");
  const extendedProperties = parseExtendedPropertyExpand(queryParam(c, "$expand"));
  const top = parseTop(queryParam(c, "$top"));
  const skip = parseSkip(queryParam(c, "$skip"));
  const { size, preferenceApplied } = pageSize(c, top, options.defaultPageSize, options.maxPageSize);
  let instances = filter ? all.filter(filter) : all;
  if (orderBy) instances = [...instances].sort(orderBy);
  const renderOptions = renderOptionsFor(c, runtime, { select, extendedProperties });
  const body: Record<string, unknown> = {
    "@odata.context": odataContext(runtime, contextFragment),
    value: instances.slice(skip, skip + size).map((instance) => renderEvent(instance, renderOptions)),
  };
  if (skip + size < instances.length) {
    body["@odata.nextLink"] = graphLink(runtime, graphPath(c), [
      ...carriedQuery(c),
      ["$top", String(size)],
      ["$skip", String(skip + size)],
    ]);
  }
  return graphJson(c, body, 200, preferenceApplied);
}

/** calendarView: occurrences, exceptions and single events overlapping the window; never series masters. */
export function registerCalendarViewRoutes(app: Hono<GraphEnv>, runtime: GraphRuntime): void {
  for (const scope of CALENDAR_SCOPES) {
    route(app, "get", `${scope.prefix}/calendarView`, (c) => {
      requireScope(c, runtime.options().enforceScopes, SCOPES.readCalendars);
      const window = parseWindow(c);
      const calendar = scope.calendar(c);
      const immutable = c.get("preferences").immutableIds;
      const instances: EventInstance[] = [];
      for (const item of c.get("mailbox").itemsOf(calendar.id)) instances.push(...instancesInWindow(item, window));
      instances.sort(
        (a, b) => a.content.start - b.content.start || (instanceId(a, immutable) < instanceId(b, immutable) ? -1 : 1),
      );
      return respondWithEventPage(c, runtime, instances, `users('${c.get("user").id}')/calendarView`);
    });
  }
}
