import type { Hono } from "hono";
import { z } from "zod";
import type { BatchParent, GraphContext, GraphEnv, GraphRuntime } from "./context";
import { jsonBody } from "./context";
import { GraphError, badRequest } from "./errors";

const subRequestSchema = z.object({
  id: z.string().min(1),
  method: z.string().min(1),
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
  dependsOn: z.array(z.string()).optional(),
});
const batchSchema = z.object({ requests: z.array(subRequestSchema) });
type SubRequest = z.infer<typeof subRequestSchema>;

export interface SubResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export type Dispatch = (request: Request, env: { batchParent: BatchParent }) => Promise<Response>;

const HEADER_NAMES: Record<string, string> = {
  "content-type": "Content-Type",
  "retry-after": "Retry-After",
  location: "Location",
  "preference-applied": "Preference-Applied",
  "odata-version": "OData-Version",
  etag: "ETag",
  "www-authenticate": "WWW-Authenticate",
};

/** Sub-response headers keyed as Graph writes them (clients read `headers["Retry-After"]` from the JSON). */
function subResponseHeaders(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name === "request-id" || name === "client-request-id") return;
    result[
      HEADER_NAMES[name] ??
        name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase())
    ] = value;
  });
  return result;
}

function failedResponse(id: string, status: number, code: string, message: string): SubResponse {
  return { id, status, headers: { "Content-Type": "application/json" }, body: { error: { code, message } } };
}

function validateBatch(requests: SubRequest[], maxRequests: number): void {
  if (requests.length === 0) throw badRequest("Invalid batch payload format.");
  if (requests.length > maxRequests)
    throw badRequest(`The number of requests in the batch exceeds the limit of ${maxRequests}.`);
  const ids = new Set<string>();
  for (const request of requests) {
    if (ids.has(request.id)) throw badRequest("Batch request Ids must be unique.");
    ids.add(request.id);
  }
  for (const request of requests) {
    for (const dependency of request.dependsOn ?? []) {
      if (!ids.has(dependency) || dependency === request.id)
        throw badRequest(`Request '${request.id}' depends on an unknown request '${dependency}'.`);
    }
  }
  const visiting = new Set<string>();
  const done = new Set<string>();
  const byId = new Map(requests.map((request) => [request.id, request]));
  const visit = (id: string): void => {
    if (done.has(id)) return;
    if (visiting.has(id)) throw badRequest("Batch request dependencies must not form a cycle.");
    visiting.add(id);
    for (const dependency of byId.get(id)?.dependsOn ?? []) visit(dependency);
    visiting.delete(id);
    done.add(id);
  };
  for (const request of requests) visit(request.id);
}

async function runSubRequest(request: SubRequest, c: GraphContext, dispatch: Dispatch): Promise<SubResponse> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(request.url))
    return failedResponse(request.id, 400, "BadRequest", "Batch request URLs must be relative.");
  const path = (request.url.startsWith("/") ? request.url : `/${request.url}`).replace(/^\/v1\.0(?=\/)/, "");
  if (/^\/\$batch(\?|$)/i.test(path))
    return failedResponse(request.id, 400, "BadRequest", "A batch cannot contain another batch.");
  const headers = new Headers(request.headers ?? {});
  if (request.body !== undefined && !headers.has("content-type"))
    return failedResponse(
      request.id,
      400,
      "BadRequest",
      "A Content-Type header is required for a request with a body.",
    );
  const authorization = c.req.header("authorization");
  if (authorization) headers.set("authorization", authorization);
  const body =
    request.body === undefined
      ? undefined
      : typeof request.body === "string"
        ? request.body
        : JSON.stringify(request.body);
  const method = request.method.toUpperCase();
  const response = await dispatch(new Request(`http://batch.invalid${path}`, { method, headers, body }), {
    batchParent: { requestId: c.get("requestId"), userAgent: c.req.header("user-agent") },
  });
  const text = await response.text();
  const result: SubResponse = {
    id: request.id,
    status: response.status,
    headers: subResponseHeaders(response.headers),
  };
  if (text !== "")
    result.body = (response.headers.get("content-type") ?? "").includes("json") ? JSON.parse(text) : text;
  return result;
}

/**
 * JSON batching: at most 20 sub-requests with unique ids, each run through the whole pipeline
 * (throttled and faulted on its own), at most 4 at a time as Outlook does; a sub-request whose
 * dependency failed gets 424. Responses come back in completion order.
 */
export function registerBatchRoute(app: Hono<GraphEnv>, runtime: GraphRuntime, dispatch: Dispatch): void {
  app.post("/$batch", async (c) => {
    const parsed = batchSchema.safeParse(await jsonBody(c));
    if (!parsed.success) throw badRequest("Invalid batch payload format.");
    const requests = parsed.data.requests;
    validateBatch(requests, runtime.options().batchMaxRequests);
    const parallelism = runtime.options().batchParallelism;
    const results = new Map<string, SubResponse>();
    const responses: SubResponse[] = [];
    const waiting = [...requests];
    const running = new Map<string, Promise<void>>();
    while (waiting.length > 0 || running.size > 0) {
      for (let i = 0; i < waiting.length && running.size < parallelism;) {
        const request = waiting[i] as SubRequest;
        const dependencies = request.dependsOn ?? [];
        if (!dependencies.every((id) => results.has(id))) {
          i++;
          continue;
        }
        waiting.splice(i, 1);
        const failedDependency = dependencies.find((id) => (results.get(id)?.status ?? 0) >= 400);
        const outcome = failedDependency
          ? Promise.resolve(
              failedResponse(
                request.id,
                424,
                "FailedDependency",
                `The request depends on request '${failedDependency}', which failed.`,
              ),
            )
          : runSubRequest(request, c, dispatch);
        running.set(
          request.id,
          outcome.then((response) => {
            results.set(request.id, response);
            responses.push(response);
            running.delete(request.id);
          }),
        );
      }
      if (running.size === 0 && waiting.length > 0)
        throw new GraphError(500, "generalException", "Batch scheduling stalled.");
      await Promise.race(running.values());
    }
    return c.json({ responses });
  });
}
