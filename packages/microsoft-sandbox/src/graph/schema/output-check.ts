import { z } from "zod";
import { withoutAnnotations } from "../odata";
import type { GraphOutput } from "../outputs";
import { graphTypeSchema } from "./graph-schema";

/** The Graph type each route answers with, by its route template as the request log names it ("/me/events/{eventId}"). */
const RESOURCE_TYPES: [RegExp, string][] = [
  [/\/(events(\/\{eventId\}(\/instances)?)?|calendarView(\/delta)?)$/i, "event"],
  [/\/(calendars(\/\{calendarId\})?|calendar)$/i, "calendar"],
  [/\/mailboxSettings$/i, "mailboxSettings"],
  [/^\/subscriptions(\/\{subscriptionId\})?$/i, "subscription"],
  [/^\/(me|users\/\{userId\})\/?$/i, "user"],
];

/** Graph's error body (concepts/errors.md): no schema type, a shape of its own. */
const ERROR_BODY = z.strictObject({
  error: z.strictObject({
    code: z.string().min(1),
    message: z.string(),
    innerError: z.record(z.string(), z.unknown()).optional(),
    details: z.array(z.unknown()).optional(),
  }),
});

/** What delta sends for an item gone from the client's view. */
const REMOVED_ITEM = z.strictObject({
  "@odata.type": z.literal("#microsoft.graph.event"),
  id: z.string().min(1),
  "@removed": z.strictObject({ reason: z.enum(["changed", "deleted"]) }),
});

const BATCH_ENVELOPE = z.strictObject({
  responses: z.array(z.strictObject({ id: z.string(), status: z.int(), headers: z.record(z.string(), z.string()) })),
});

const COLLECTION = z.preprocess(withoutAnnotations, z.strictObject({ value: z.array(z.unknown()) }));

function countObjects(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + countObjects(item), 0);
  if (typeof value !== "object" || value === null) return 0;
  return 1 + Object.values(value).reduce((sum: number, member) => sum + countObjects(member), 0);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** One value to hold against one schema; `counted` unless another output already brought it (a $batch's sub-response). */
interface Part {
  at: string;
  value: unknown;
  schema: z.ZodType;
  counted: boolean;
}

const part = (at: string, value: unknown, schema: z.ZodType, counted = true): Part => ({ at, value, schema, counted });

/** A body of the route's type: one entity, or a collection of them, delta's `@removed` items among them. */
function resourceParts(type: string, body: unknown): Part[] {
  const entity = graphTypeSchema(type);
  if (!isObject(body) || !Array.isArray(body.value)) return [part("", body, entity)];
  const items = body.value.map((item, index) =>
    part(`value.${index}`, item, isObject(item) && "@removed" in item ? REMOVED_ITEM : entity),
  );
  return [part("", { ...body, value: [] }, COLLECTION), ...items];
}

/**
 * A $batch envelope. Its sub-responses went through the pipeline as outputs of their own, all but the failures the
 * batch makes itself (a failed dependency, a URL it refuses): error bodies are held to Graph's shape here, uncounted.
 */
function batchParts(body: unknown): Part[] {
  if (!isObject(body) || !Array.isArray(body.responses)) return [part("", body, BATCH_ENVELOPE)];
  const responses = body.responses.map((response: unknown) =>
    isObject(response) ? Object.fromEntries(Object.entries(response).filter(([key]) => key !== "body")) : response,
  );
  const failures = body.responses.flatMap((response: unknown, index) =>
    isObject(response) && typeof response.status === "number" && response.status >= 400
      ? [part(`responses.${index}.body`, response.body, ERROR_BODY, false)]
      : [],
  );
  return [part("", { ...body, responses }, BATCH_ENVELOPE), ...failures];
}

const RESOURCE_PATH = (endpoint: string): string => endpoint.slice(endpoint.indexOf(" ") + 1);

/** What `body` must be: the parts to check, or why the output departs from Graph as it is. */
function partsOf(output: GraphOutput, body: unknown): Part[] | string {
  if (output.kind === "notification") return [part("", body, graphTypeSchema("changeNotificationCollection"))];
  if (body === undefined)
    return output.status === 204 || output.status === 202 ? [] : `status ${output.status} without a body`;
  if (!output.contentType.startsWith("application/json")) return `a ${output.contentType || "untyped"} body`;
  if (output.status >= 400) return [part("", body, ERROR_BODY)];
  const path = RESOURCE_PATH(output.endpoint);
  if (/^\/\$batch$/i.test(path)) return batchParts(body);
  const type = RESOURCE_TYPES.find(([pattern]) => pattern.test(path))?.[1];
  return type ? resourceParts(type, body) : "no Graph type is known for this route";
}

/**
 * Holds what the Graph side sends against Graph v1.0's schema: every response body of a route to the type the route
 * answers with, every error body to Graph's error shape, every notification to `changeNotificationCollection`.
 * Departures are kept, one line each, for the test that caused them to report.
 */
export class GraphOutputCheck {
  outputs = 0;
  objects = 0;
  #departures: string[] = [];

  readonly check = (output: GraphOutput): void => {
    this.outputs++;
    const where =
      output.kind === "response" ? `${output.endpoint} → ${output.status}` : `notification to ${output.url}`;
    let body: unknown;
    try {
      body = output.body === "" ? undefined : JSON.parse(output.body);
    } catch {
      this.#departures.push(`${where}: the body is not JSON`);
      return;
    }
    const parts = partsOf(output, body);
    if (typeof parts === "string") {
      this.#departures.push(`${where}: ${parts}`);
      return;
    }
    for (const { at, value, schema, counted } of parts) {
      if (counted) this.objects += countObjects(value);
      const result = schema.safeParse(value);
      if (result.success) continue;
      for (const issue of result.error.issues)
        this.#departures.push(
          `${where}: ${[at, ...issue.path].filter((step) => step !== "").join(".") || "(body)"}: ${issue.message}`,
        );
    }
  };

  /** The departures found since the last call. */
  takeDepartures(): string[] {
    return this.#departures.splice(0);
  }
}

/** The check the sandbox's own test suite reports to; every test file has its own, as vitest gives each file its own modules. */
export const suiteOutputCheck = new GraphOutputCheck();
