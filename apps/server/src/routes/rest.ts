import { ApiError, createCaller, restErrorOf } from "@agenda/api";
import type { Context as HonoContext } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { RequestVariables } from "../request-variables";

type RequestContext = HonoContext<{ Variables: RequestVariables }>;
export type Caller = ReturnType<typeof createCaller>;

/**
 * Answers a REST request through the same tRPC procedure the typed API uses: one implementation, two doors.
 * Errors keep the procedure's status and translated message, in the body `{ error: { code, message, issues? } }`.
 */
export async function throughProcedure<T>(
  c: RequestContext,
  run: (caller: Caller) => Promise<T>,
  status: ContentfulStatusCode | 204 = 200,
): Promise<Response> {
  const ctx = c.var.ctx;
  try {
    const result = await run(createCaller(ctx));
    return status === 204 ? c.body(null, 204) : c.json(result as object, status);
  } catch (error) {
    const { status, body, internal } = restErrorOf(error, ctx.locale);
    if (internal) c.var.logger.error({ err: error, method: c.req.method, path: c.req.path }, "request failed");
    return c.json(body, status as ContentfulStatusCode);
  }
}

/** The request's JSON body; a body that is not JSON is refused with MALFORMED_JSON. */
export async function jsonBody(c: RequestContext): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new ApiError("MALFORMED_JSON", c.var.ctx.locale);
  }
}

/** The request's JSON body, or `{}` when it has none; a body that is not JSON is refused with MALFORMED_JSON. */
export async function optionalJsonBody(c: RequestContext): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError("MALFORMED_JSON", c.var.ctx.locale);
  }
}

/** Hands raw request data to a procedure as it came: the procedure's zod schema is what validates it. */
export function unvalidated<T>(value: unknown): T {
  return value as T;
}
