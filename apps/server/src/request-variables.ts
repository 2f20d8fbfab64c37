import type { Context } from "@agenda/api";
import type { Logger } from "@agenda/sync/logger";

/** What the request middleware puts on every Hono context. */
export interface RequestVariables {
  ctx: Context;
  logger: Logger;
}
