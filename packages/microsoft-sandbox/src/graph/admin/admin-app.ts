import { Hono, type Context } from "hono";
import { z } from "zod";
import type { GraphService } from "../index";
import type { GraphRuntime } from "../context";
import { GraphError, errorBody, itemNotFound } from "../errors";
import { createEvent, editEvent, instanceOf, removeEvent } from "../event-edits";
import { parseEventInput, type EventInput } from "../event-input";
import { renderEvent, type RenderOptions } from "../event-json";
import { itemInstance } from "../instances";
import type { MailboxStore, ResolvedEvent } from "../mailbox-store";
import { faultOptionsSchema, type GraphOptionsInput } from "../options";
import { UTC } from "../time-zones";
import { adminPage, itemPage } from "./admin-page";

const newMailboxSchema = z.object({
  userPrincipalName: z.string().min(3),
  displayName: z.string().optional(),
  mail: z.string().nullable().optional(),
  tenantId: z.string().optional(),
  timeZone: z.string().optional(),
  id: z.string().optional(),
  calendars: z.array(z.string().min(1)).optional(),
});
const seedEventsSchema = z.object({
  calendarId: z.string().optional(),
  events: z.array(z.record(z.string(), z.unknown())).max(100_000),
});
const moveSchema = z.object({ calendarId: z.string().min(1) });
const shiftSchema = z.object({ minutes: z.coerce.number().int() });
const onlineMeetingSchema = z.object({ joinUrl: z.string() });
const rejectTokensSchema = z.object({ issuedBefore: z.number().optional(), count: z.number().int().positive() });
const lifecycleSchema = z.object({
  lifecycleEvent: z.enum(["reauthorizationRequired", "subscriptionRemoved", "missed"]),
});

type AdminService = Omit<GraphService, "admin">;

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GraphError(
      400,
      "BadRequest",
      `Invalid '${issue?.path.join(".") || "body"}': ${issue?.message ?? "invalid"}`,
    );
  }
  return parsed.data;
}

async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new GraphError(400, "BadRequest", "The body is not valid JSON.");
  }
}

function adminRenderOptions(mailbox: MailboxStore, runtime: GraphRuntime): RenderOptions {
  return {
    immutableIds: false,
    timeZone: UTC,
    bodyContentType: "html",
    select: undefined,
    extendedProperties: () => true,
    owner: mailbox.owner,
    webLinkBase: `${runtime.baseUrl()}/admin/item`,
  };
}

/** A mailbox's event by any of its ids (regular, immutable, occurrence). */
function resolveEvent(mailbox: MailboxStore, id: string): ResolvedEvent {
  const resolved = mailbox.resolve(id);
  if (!resolved) throw itemNotFound();
  return resolved;
}

/** Zod failures of admin input (options, faults) are the caller's mistake: 400, not 500. */
function validated<T>(apply: () => T): T {
  try {
    return apply();
  } catch (error) {
    if (error instanceof z.ZodError)
      throw new GraphError(
        400,
        "BadRequest",
        `Invalid '${error.issues[0]?.path.join(".") ?? ""}': ${error.issues[0]?.message ?? "invalid"}`,
      );
    throw error;
  }
}

const asObject = (body: unknown): Record<string, unknown> => {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new GraphError(400, "BadRequest", "A JSON object is expected.");
  return body as Record<string, unknown>;
};

/** Form fields of the admin page → a Graph event body. */
function formToEventInput(form: Record<string, string | File>): EventInput {
  const text = (name: string): string => (typeof form[name] === "string" ? (form[name] as string) : "");
  const timeZone = text("timeZone") || "UTC";
  const isAllDay = text("isAllDay") === "true";
  const at = (value: string): string => (isAllDay ? `${value.slice(0, 10)}T00:00:00` : `${value}:00`);
  const startValue = at(text("start"));
  let endValue = at(text("end"));
  if (isAllDay && endValue <= startValue)
    endValue = `${new Date(Date.parse(`${startValue}Z`) + 86_400_000).toISOString().slice(0, 19)}`;
  const repeat = text("repeat");
  const body: Record<string, unknown> = {
    subject: text("subject"),
    isAllDay,
    start: { dateTime: startValue, timeZone },
    end: { dateTime: endValue, timeZone },
  };
  if (repeat) {
    const startDate = startValue.slice(0, 10);
    const weekday = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"][
      new Date(`${startDate}T00:00:00Z`).getUTCDay()
    ];
    body.recurrence = {
      pattern: { type: repeat, interval: 1, daysOfWeek: [weekday], dayOfMonth: Number(startDate.slice(8, 10)) },
      range: { type: "numbered", startDate, numberOfOccurrences: Number(text("occurrences") || "10") },
    };
  }
  return parseEventInput(body);
}

/**
 * Admin under /admin: the HTML page (people acting as Outlook users) and the REST API under /admin/api
 * (seeding, reset, request log and counters, faults and limits, subscriptions' lifecycle).
 */
export function createAdminApp(service: AdminService, runtime: GraphRuntime): Hono {
  const admin = new Hono();
  const base = (): string => `${runtime.baseUrl()}/admin`;
  const mailboxOf = (idOrUpn: string): MailboxStore => {
    const mailbox = service.store.find(decodeURIComponent(idOrUpn));
    if (!mailbox) throw new GraphError(404, "ResourceNotFound", `No mailbox '${idOrUpn}'.`);
    return mailbox;
  };
  const describe = (mailbox: MailboxStore) => ({
    ...mailbox.owner,
    eventCount: mailbox.itemCount,
    calendars: [...mailbox.calendars.values()].map((calendar) => ({
      ...calendar,
      eventCount: [...mailbox.itemsOf(calendar.id)].length,
    })),
  });
  const addMailbox = (input: z.infer<typeof newMailboxSchema>): MailboxStore => {
    const { calendars, ...user } = input;
    const mailbox = service.store.mailbox(runtime.directory.add(user));
    for (const name of calendars ?? []) {
      if (![...mailbox.calendars.values()].some((calendar) => calendar.name === name)) mailbox.createCalendar(name);
    }
    return mailbox;
  };

  admin.onError((error, c) => {
    const graphError = error instanceof GraphError ? error : new GraphError(500, "generalException", String(error));
    if (!(error instanceof GraphError)) console.error("graph sandbox admin: unhandled error", error);
    return c.json(errorBody(graphError, crypto.randomUUID(), undefined), graphError.status as 400);
  });

  admin.get("/", (c) => c.html(adminPage(service.store.all(), base())));

  admin.get("/item", (c) => {
    const id = c.req.query("itemid") ?? "";
    for (const mailbox of service.store.all()) {
      const resolved = mailbox.resolve(id);
      if (resolved) {
        return c.html(itemPage(mailbox, instanceOf(resolved), base()));
      }
    }
    throw itemNotFound();
  });

  admin.post("/mailboxes", async (c) => {
    const form = await c.req.parseBody();
    addMailbox(
      parse(newMailboxSchema, {
        ...form,
        displayName: form.displayName || undefined,
        timeZone: form.timeZone || undefined,
      }),
    );
    return c.redirect(base(), 303);
  });

  admin.post("/calendars/:mailbox", async (c) => {
    const form = await c.req.parseBody();
    mailboxOf(c.req.param("mailbox")).createCalendar(String(form.name ?? ""));
    return c.redirect(base(), 303);
  });

  admin.post("/events/:mailbox", async (c) => {
    const mailbox = mailboxOf(c.req.param("mailbox"));
    const form = await c.req.parseBody();
    const calendarId =
      typeof form.calendarId === "string" && form.calendarId !== "" ? form.calendarId : mailbox.defaultCalendar.id;
    const item = createEvent(mailbox, calendarId, formToEventInput(form));
    return c.redirect(`${base()}#event-${item.immutableId}`, 303);
  });

  admin.post("/events/:mailbox/:eventId/:action{move|delete|shift}", async (c) => {
    const mailbox = mailboxOf(c.req.param("mailbox"));
    const { item } = resolveEvent(mailbox, c.req.param("eventId"));
    const form = await c.req.parseBody();
    const action = c.req.param("action");
    if (action === "move") mailbox.move(item.key, parse(moveSchema, form).calendarId);
    else if (action === "shift") mailbox.shiftSeries(item.key, parse(shiftSchema, form).minutes);
    else mailbox.delete(item.key);
    return c.redirect(base(), 303);
  });

  const api = new Hono();

  api.get("/mailboxes", (c) => c.json({ value: service.store.all().map(describe) }));

  api.post("/mailboxes", async (c) => {
    const body = await readJson(c);
    const inputs = Array.isArray((body as { mailboxes?: unknown }).mailboxes)
      ? (body as { mailboxes: unknown[] }).mailboxes
      : [body];
    const created = inputs.map((input) => addMailbox(parse(newMailboxSchema, input)));
    return c.json({ value: created.map(describe) }, 201);
  });

  api.get("/mailboxes/:mailbox", (c) => c.json(describe(mailboxOf(c.req.param("mailbox")))));

  api.post("/mailboxes/:mailbox/calendars", async (c) => {
    const mailbox = mailboxOf(c.req.param("mailbox"));
    const input = parse(z.object({ name: z.string().min(1), color: z.string().optional() }), await readJson(c));
    return c.json(mailbox.createCalendar(input.name, input.color), 201);
  });

  api.get("/mailboxes/:mailbox/events", (c) => {
    const mailbox = mailboxOf(c.req.param("mailbox"));
    const calendarId = c.req.query("calendarId");
    const calendars = calendarId ? [mailbox.calendar(calendarId)] : [...mailbox.calendars.values()];
    const options = adminRenderOptions(mailbox, runtime);
    const value = calendars.flatMap((calendar) =>
      [...mailbox.itemsOf(calendar.id)].map((item) => ({
        ...renderEvent(itemInstance(item), options),
        immutableId: item.immutableId,
        calendarId: item.calendarId,
      })),
    );
    return c.json({ value });
  });

  /** Bulk seeding: `{ calendarId?, events: [Graph event bodies] }`; answers the ids without rendering each event. */
  api.post("/mailboxes/:mailbox/events", async (c) => {
    const mailbox = mailboxOf(c.req.param("mailbox"));
    const input = parse(seedEventsSchema, await readJson(c));
    const calendarId = input.calendarId ?? mailbox.defaultCalendar.id;
    mailbox.calendar(calendarId);
    const created = input.events.map((event) => createEvent(mailbox, calendarId, parseEventInput(event)));
    return c.json(
      {
        value: created.map((item) => ({
          id: item.regularId,
          immutableId: item.immutableId,
          iCalUId: item.iCalUId,
          calendarId: item.calendarId,
        })),
      },
      201,
    );
  });

  api.patch("/mailboxes/:mailbox/events/:eventId", async (c) => {
    const mailbox = mailboxOf(c.req.param("mailbox"));
    const resolved = resolveEvent(mailbox, c.req.param("eventId"));
    const instance = editEvent(mailbox, resolved, parseEventInput(await readJson(c)));
    return c.json(renderEvent(instance, adminRenderOptions(mailbox, runtime)));
  });

  api.delete("/mailboxes/:mailbox/events/:eventId", (c) => {
    const mailbox = mailboxOf(c.req.param("mailbox"));
    removeEvent(mailbox, resolveEvent(mailbox, c.req.param("eventId")));
    return c.body(null, 204);
  });

  api.post("/mailboxes/:mailbox/events/:eventId/move", async (c) => {
    const mailbox = mailboxOf(c.req.param("mailbox"));
    const { item } = resolveEvent(mailbox, c.req.param("eventId"));
    const moved = mailbox.move(item.key, parse(moveSchema, await readJson(c)).calendarId);
    return c.json({ id: moved.regularId, immutableId: moved.immutableId, calendarId: moved.calendarId });
  });

  /** Fault: a recurring series shifted in time, so every occurrence gets a new id. */
  api.post("/mailboxes/:mailbox/events/:eventId/shift", async (c) => {
    const mailbox = mailboxOf(c.req.param("mailbox"));
    const { item } = resolveEvent(mailbox, c.req.param("eventId"));
    if (!item.recurrence) throw new GraphError(400, "BadRequest", "Only a recurring series can be shifted.");
    const shifted = mailbox.shiftSeries(item.key, parse(shiftSchema, await readJson(c)).minutes);
    return c.json({
      id: shifted.regularId,
      immutableId: shifted.immutableId,
      seriesGeneration: shifted.seriesGeneration,
    });
  });

  /**
   * Outside data: the online meeting of an invitation, with the join URL its organizer's side wrote. Graph clients
   * cannot set one (the meeting service does), and Outlook passes on whatever the invitation said, any scheme.
   */
  api.put("/mailboxes/:mailbox/events/:eventId/online-meeting", async (c) => {
    const mailbox = mailboxOf(c.req.param("mailbox"));
    const { item } = resolveEvent(mailbox, c.req.param("eventId"));
    const { joinUrl } = parse(onlineMeetingSchema, await readJson(c));
    const updated = mailbox.update(item.key, { isOnlineMeeting: true, onlineMeeting: { joinUrl } });
    return c.json(renderEvent(itemInstance(updated), adminRenderOptions(mailbox, runtime)));
  });

  api.post("/reset", (c) => {
    service.reset();
    return c.body(null, 204);
  });

  api.get("/requests", (c) => {
    const limit = c.req.query("limit");
    const mailbox = c.req.query("mailbox");
    const mailboxId = mailbox ? mailboxOf(mailbox).owner.id : undefined;
    return c.json({ value: service.requestLog.entries({ mailboxId, limit: limit ? Number(limit) : undefined }) });
  });

  api.delete("/requests", (c) => {
    service.requestLog.clear();
    return c.body(null, 204);
  });

  api.get("/counters", (c) => c.json(service.requestLog.counters()));

  api.get("/faults", (c) => c.json(service.faults.config));

  api.put("/faults", async (c) => {
    const replacement = parse(faultOptionsSchema, await readJson(c));
    return c.json(service.faults.configure(replacement));
  });

  api.patch("/faults", async (c) => {
    const change = asObject(await readJson(c));
    return c.json(validated(() => service.faults.configure(change)));
  });

  /** Fault: every outstanding delta token of a mailbox (or of all) gets 410 on its next use. */
  api.post("/faults/expire-delta-tokens", async (c) => {
    const input = parse(z.object({ mailbox: z.string().optional() }), await readJson(c));
    const mailboxes = input.mailbox ? [mailboxOf(input.mailbox)] : service.store.all();
    for (const mailbox of mailboxes) mailbox.expireSyncState();
    return c.body(null, 204);
  });

  /** Fault: the next `count` requests with a token issued before `issuedBefore` (default: now) get 401. */
  api.post("/faults/reject-tokens", async (c) => {
    const input = parse(rejectTokensSchema, await readJson(c));
    const rejectTokens = { issuedBefore: input.issuedBefore ?? Math.floor(Date.now() / 1000) + 1, count: input.count };
    return c.json(service.faults.configure({ rejectTokens }));
  });

  api.get("/options", (c) => c.json(service.options()));

  api.patch("/options", async (c) => {
    const change = asObject(await readJson(c)) as GraphOptionsInput;
    return c.json(validated(() => service.setOptions(change)));
  });

  api.get("/subscriptions", (c) => c.json({ value: service.subscriptions.list() }));

  /** Sends a lifecycle event to a subscription (subscriptionRemoved also removes it). */
  api.post("/subscriptions/:subscriptionId/lifecycle", async (c) => {
    const subscription = service.subscriptions.get(c.req.param("subscriptionId"));
    if (!subscription) throw new GraphError(404, "ResourceNotFound", "The object was not found.");
    service.subscriptions.sendLifecycle(subscription, parse(lifecycleSchema, await readJson(c)).lifecycleEvent);
    return c.body(null, 202);
  });

  api.get("/notifications", (c) => c.json({ value: service.notifier.deliveries() }));

  admin.route("/api", api);
  return admin;
}
