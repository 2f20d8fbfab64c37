import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Hono } from "hono";
import { SCOPES, requireScope } from "../auth";
import {
  graphJson,
  jsonBody,
  odataContext,
  renderOptionsFor,
  type GraphContext,
  type GraphEnv,
  type GraphRuntime,
} from "../context";
import { GraphError, itemNotFound } from "../errors";
import { createEvent, editEvent, instanceOf, removeEvent } from "../event-edits";
import { parseEventInput } from "../event-input";
import { EVENT_PROPERTIES, cancelledOccurrences, renderEvent } from "../event-json";
import type { EventInstance } from "../event-model";
import { parseEventId } from "../ids";
import { instancesInWindow, itemInstance } from "../instances";
import type { ResolvedEvent } from "../mailbox-store";
import { parseExtendedPropertyExpand, parseSelect } from "../odata";
import { respondWithEventPage } from "./calendar-view";
import { CALENDAR_SCOPES, parseWindow, queryParam, type CalendarScope } from "./common";
import { route } from "./paths";

/** `readById`: a GET of this one event by its id, the only read in which Graph returns a master's `cancelledOccurrences`. */
function respondWithEvent(
  c: GraphContext,
  runtime: GraphRuntime,
  instance: EventInstance,
  { status = 200, readById = false }: { status?: 200 | 201; readById?: boolean } = {},
): Response {
  const select = parseSelect(queryParam(c, "$select"), EVENT_PROPERTIES, "event");
  const extendedProperties = parseExtendedPropertyExpand(queryParam(c, "$expand"));
  const body = renderEvent(instance, renderOptionsFor(c, runtime, { select, extendedProperties }));
  if (readById && instance.type === "seriesMaster" && select?.has("cancelledOccurrences")) {
    body.cancelledOccurrences = cancelledOccurrences(instance.item, c.get("preferences").immutableIds);
  }
  return graphJson(
    c,
    { "@odata.context": odataContext(runtime, `users('${c.get("user").id}')/events/$entity`), ...body },
    status,
  );
}

/** If-Match with a stale etag (or changeKey) → 412; `*` or no header → go ahead. */
function checkIfMatch(c: GraphContext, runtime: GraphRuntime, changeKey: string): void {
  const header = c.req.header("if-match");
  if (!header || header.trim() === "*") return;
  const tags = header.split(",").map((tag) =>
    tag
      .trim()
      .replace(/^W\//, "")
      .replace(/^"(.*)"$/, "$1"),
  );
  if (!tags.includes(changeKey)) {
    throw new GraphError(
      412,
      runtime.options().preconditionFailedCode,
      "The change key passed in the request does not match the current change key for the item.",
    );
  }
}

/** The response to a create is lost: the event exists but the client sees its connection reset. */
function loseResponse(c: GraphContext): Response {
  c.set("injected", "fault:lost-create-response");
  const socket = c.env?.incoming?.socket;
  if (socket) {
    socket.destroy();
    return RESPONSE_ALREADY_SENT;
  }
  // In process or inside a $batch there is no socket to reset: the closest thing is a gateway timeout.
  throw new GraphError(504, "GatewayTimeout", "Gateway Timeout");
}

function resolveInScope(c: GraphContext, scope: CalendarScope): ResolvedEvent {
  const id = c.req.param("eventId") ?? "";
  if (!parseEventId(id)) throw new GraphError(400, "ErrorInvalidIdMalformed", "Id is malformed.");
  const resolved = c.get("mailbox").resolve(id);
  if (!resolved) throw itemNotFound();
  if (scope.prefix === "/calendars/:calendarId" && resolved.item.calendarId !== scope.calendar(c).id)
    throw itemNotFound();
  return resolved;
}

/**
 * Events: lists return single events and series masters; POST honours transactionId (a repeat gets the
 * event already created); GET/PATCH/DELETE by id, occurrences included (PATCH makes an exception,
 * DELETE cancels the occurrence); If-Match is checked against the current changeKey.
 */
export function registerEventRoutes(app: Hono<GraphEnv>, runtime: GraphRuntime): void {
  const enforce = (): boolean => runtime.options().enforceScopes;

  for (const scope of CALENDAR_SCOPES) {
    route(app, "get", `${scope.prefix}/events`, (c) => {
      requireScope(c, enforce(), SCOPES.readCalendars);
      const items = [...c.get("mailbox").itemsOf(scope.calendar(c).id)].map(itemInstance);
      return respondWithEventPage(c, runtime, items, `users('${c.get("user").id}')/events`);
    });

    route(app, "post", `${scope.prefix}/events`, async (c) => {
      requireScope(c, enforce(), SCOPES.writeCalendars);
      const input = parseEventInput(await jsonBody(c));
      const mailbox = c.get("mailbox");
      const calendar = scope.calendar(c);
      const earlier = input.transactionId === undefined ? undefined : mailbox.byTransactionId(input.transactionId);
      if (earlier) return respondWithEvent(c, runtime, itemInstance(earlier), { status: 201 });
      const item = createEvent(mailbox, calendar.id, input);
      if (runtime.faults.losesCreateResponse()) return loseResponse(c);
      return respondWithEvent(c, runtime, itemInstance(item), { status: 201 });
    });

    const itemPath = `${scope.prefix}/events/:eventId`;
    route(app, "get", itemPath, (c) => {
      requireScope(c, enforce(), SCOPES.readCalendars);
      return respondWithEvent(c, runtime, instanceOf(resolveInScope(c, scope)), { readById: true });
    });

    route(app, "patch", itemPath, async (c) => {
      requireScope(c, enforce(), SCOPES.writeCalendars);
      const resolved = resolveInScope(c, scope);
      checkIfMatch(c, runtime, instanceOf(resolved).changeKey);
      const input = parseEventInput(await jsonBody(c));
      return respondWithEvent(c, runtime, editEvent(c.get("mailbox"), resolved, input));
    });

    route(app, "delete", itemPath, (c) => {
      requireScope(c, enforce(), SCOPES.writeCalendars);
      const resolved = resolveInScope(c, scope);
      checkIfMatch(c, runtime, instanceOf(resolved).changeKey);
      removeEvent(c.get("mailbox"), resolved);
      return c.body(null, 204);
    });

    route(app, "get", `${itemPath}/instances`, (c) => {
      requireScope(c, enforce(), SCOPES.readCalendars);
      const window = parseWindow(c);
      const { item, originalStart } = resolveInScope(c, scope);
      const instances = originalStart === undefined && item.recurrence ? instancesInWindow(item, window) : [];
      return respondWithEventPage(
        c,
        runtime,
        instances,
        `users('${c.get("user").id}')/events('${c.req.param("eventId")}')/instances`,
      );
    });
  }
}
