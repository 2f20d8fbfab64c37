import type { Handler, Hono } from "hono";
import type { GraphEnv } from "../context";

/** Graph's URL segments are case-insensitive (`calendarView`, `calendarview`); Hono's routes are not. */
function caseVariants(path: string): string[] {
  const lowered = path
    .split("/")
    .map((segment) => (segment.startsWith(":") ? segment : segment.toLowerCase()))
    .join("/");
  return lowered === path ? [path] : [path, lowered];
}

type Method = "get" | "post" | "patch" | "delete";

export function route(app: Hono<GraphEnv>, method: Method, path: string, handler: Handler<GraphEnv>): void {
  for (const variant of caseVariants(path)) app.on(method.toUpperCase(), variant, handler);
}
