import type { Hono } from "hono";
import { z } from "zod";
import { SCOPES, requireScope } from "../auth";
import {
  graphJson,
  graphLink,
  graphPath,
  jsonBody,
  odataContext,
  type GraphContext,
  type GraphEnv,
  type GraphRuntime,
} from "../context";
import { badRequest } from "../errors";
import { caseInsensitive } from "../event-input";
import type { CalendarRecord } from "../mailbox-store";
import { parseSkip, parseTop } from "../odata";
import { pageSize, queryParam } from "./common";

export function renderCalendar(calendar: CalendarRecord, c: GraphContext): Record<string, unknown> {
  const user = c.get("user");
  return {
    id: calendar.id,
    name: calendar.name,
    color: calendar.color,
    hexColor: calendar.hexColor,
    isDefaultCalendar: calendar.isDefaultCalendar,
    changeKey: calendar.changeKey,
    canShare: true,
    canViewPrivateItems: true,
    canEdit: true,
    allowedOnlineMeetingProviders: ["teamsForBusiness"],
    defaultOnlineMeetingProvider: "teamsForBusiness",
    isTallyingResponses: true,
    isRemovable: !calendar.isDefaultCalendar,
    owner: { name: user.displayName, address: user.mail ?? user.userPrincipalName },
  };
}

const CALENDAR_COLORS = [
  "auto",
  "lightBlue",
  "lightGreen",
  "lightOrange",
  "lightGray",
  "lightYellow",
  "lightTeal",
  "lightPink",
  "lightBrown",
  "lightRed",
  "maxColor",
] as const;
const calendarInput = z.object({
  name: z.string().min(1).optional(),
  color: caseInsensitive(CALENDAR_COLORS).optional(),
});

function parseCalendarInput(body: unknown): z.infer<typeof calendarInput> {
  const parsed = calendarInput.safeParse(body);
  if (!parsed.success) throw badRequest(`Invalid calendar: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

/** `/me/calendars[/{id}]` and `/me/calendar`. Calendar ids never change (containers have no immutable ids: regular ones are already fixed). */
export function registerCalendarRoutes(app: Hono<GraphEnv>, runtime: GraphRuntime): void {
  const enforce = (): boolean => runtime.options().enforceScopes;

  app.get("/calendars", (c) => {
    requireScope(c, enforce(), SCOPES.readCalendars);
    const options = runtime.options();
    const top = parseTop(queryParam(c, "$top"));
    const skip = parseSkip(queryParam(c, "$skip"));
    const { size, preferenceApplied } = pageSize(c, top, options.defaultPageSize, options.maxPageSize);
    const calendars = [...c.get("mailbox").calendars.values()];
    const page = calendars.slice(skip, skip + size);
    const body: Record<string, unknown> = {
      "@odata.context": odataContext(runtime, `users('${c.get("user").id}')/calendars`),
      value: page.map((calendar) => renderCalendar(calendar, c)),
    };
    if (skip + size < calendars.length)
      body["@odata.nextLink"] = graphLink(runtime, graphPath(c), [
        ["$top", String(size)],
        ["$skip", String(skip + size)],
      ]);
    return graphJson(c, body, 200, preferenceApplied);
  });

  app.get("/calendar", (c) => {
    requireScope(c, enforce(), SCOPES.readCalendars);
    return graphJson(c, {
      "@odata.context": odataContext(runtime, "users/calendars/$entity"),
      ...renderCalendar(c.get("mailbox").defaultCalendar, c),
    });
  });

  app.get("/calendars/:calendarId", (c) => {
    requireScope(c, enforce(), SCOPES.readCalendars);
    const calendar = c.get("mailbox").calendar(c.req.param("calendarId"));
    return graphJson(c, {
      "@odata.context": odataContext(runtime, "users/calendars/$entity"),
      ...renderCalendar(calendar, c),
    });
  });

  app.post("/calendars", async (c) => {
    requireScope(c, enforce(), SCOPES.writeCalendars);
    const input = parseCalendarInput(await jsonBody(c));
    if (!input.name) throw badRequest("The calendar name is required.");
    const calendar = c.get("mailbox").createCalendar(input.name, input.color);
    return graphJson(
      c,
      { "@odata.context": odataContext(runtime, "users/calendars/$entity"), ...renderCalendar(calendar, c) },
      201,
    );
  });

  app.patch("/calendars/:calendarId", async (c) => {
    requireScope(c, enforce(), SCOPES.writeCalendars);
    const input = parseCalendarInput(await jsonBody(c));
    const calendar = c.get("mailbox").updateCalendar(c.req.param("calendarId"), input);
    return graphJson(c, {
      "@odata.context": odataContext(runtime, "users/calendars/$entity"),
      ...renderCalendar(calendar, c),
    });
  });

  app.delete("/calendars/:calendarId", (c) => {
    requireScope(c, enforce(), SCOPES.writeCalendars);
    c.get("mailbox").deleteCalendar(c.req.param("calendarId"));
    return c.body(null, 204);
  });
}
