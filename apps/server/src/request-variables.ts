import type { Context } from "@agenda/api";
import type { Logger } from "@agenda/observability/logger";

/** What the request middleware puts on every Hono context. */
export interface RequestVariables {
  ctx: Context;
  logger: Logger;
}
