import type { HttpBindings } from "@hono/node-server";
import type { Context } from "hono";
import type { Directory, DirectoryUser } from "../directory";
import type { AccessTokenClaims } from "../signing";
import { GraphError } from "./errors";
import type { RenderOptions } from "./event-json";
import type { FaultInjector } from "./faults";
import type { MailboxStore } from "./mailbox-store";
import { preferenceApplied, type Preferences } from "./odata";
import type { GraphOptions } from "./options";
import type { GraphOutputs } from "./outputs";
import type { RequestLog } from "./request-log";
import type { GraphStore } from "./store";
import type { Throttle } from "./throttling";
import { UTC } from "./time-zones";

/** Set in `env` when a request is a sub-request of a $batch (only the sandbox itself can set env). */
export interface BatchParent {
  requestId: string;
  userAgent: string | undefined;
}

export type GraphBindings = Partial<HttpBindings> & { batchParent?: BatchParent };

export interface GraphVariables {
  requestId: string;
  claims: AccessTokenClaims;
  user: DirectoryUser;
  mailbox: MailboxStore;
  preferences: Preferences;
  /** Why the sandbox failed this request on purpose, for the request log. */
  injected: string | undefined;
}

export type GraphEnv = { Bindings: GraphBindings; Variables: GraphVariables };
export type GraphContext = Context<GraphEnv>;

/** Everything the Graph routes share; options can change at run time through the admin API. */
export interface GraphRuntime {
  directory: Directory;
  store: GraphStore;
  throttle: Throttle;
  faults: FaultInjector;
  log: RequestLog;
  outputs: GraphOutputs;
  options(): GraphOptions;
  baseUrl(): string;
}

/** The request path as Graph sees it: without the /v1.0 mount prefix. */
export function graphPath(c: Context): string {
  const path = c.req.path;
  return path.startsWith("/v1.0/") ? path.slice(5) : path;
}

/** An absolute link on the sandbox's own origin, as Graph builds @odata.nextLink. `query` values are used as given. */
export function graphLink(runtime: GraphRuntime, path: string, query: [string, string][]): string {
  const search = query.map(([name, value]) => `${name}=${value}`).join("&");
  return `${runtime.baseUrl()}/v1.0${path}${search ? `?${search}` : ""}`;
}

export function renderOptionsFor(
  c: GraphContext,
  runtime: GraphRuntime,
  extra: Pick<RenderOptions, "select" | "extendedProperties">,
): RenderOptions {
  const preferences = c.get("preferences");
  return {
    immutableIds: preferences.immutableIds,
    timeZone: preferences.timeZone ?? UTC,
    bodyContentType: preferences.bodyContentType ?? "html",
    owner: c.get("user"),
    webLinkBase: `${runtime.baseUrl()}/admin/item`,
    ...extra,
  };
}

/** A JSON response with Preference-Applied for the preferences the route honoured. */
export function graphJson(c: GraphContext, body: unknown, status: 200 | 201 = 200, pageSizeApplied?: number): Response {
  const applied = preferenceApplied(c.get("preferences"), pageSizeApplied);
  if (applied) c.header("Preference-Applied", applied);
  c.header("OData-Version", "4.0");
  return c.json(body as object, status);
}

export function odataContext(runtime: GraphRuntime, fragment: string): string {
  return `${runtime.baseUrl()}/v1.0/$metadata#${fragment}`;
}

/** Reads a JSON body; Graph answers 400 when it is missing or malformed. */
export async function jsonBody(c: GraphContext): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") throw new GraphError(400, "BadRequest", "Empty Payload. JSON content expected.");
  try {
    return JSON.parse(text);
  } catch {
    throw new GraphError(
      400,
      "BadRequest",
      "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
    );
  }
}
