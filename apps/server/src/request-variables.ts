import type { Context } from "@agenda/api";

/** What the request middleware puts on every Hono context. */
export interface RequestVariables {
  ctx: Context;
}
