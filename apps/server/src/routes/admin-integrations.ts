import { Hono } from "hono";
import type { RequestVariables } from "../request-variables";
import { jsonBody, optionalJsonBody, throughProcedure, unvalidated } from "./rest";

/** Every user's integration, for administrators: `integrations.all`, `.runs`, `.resync`, `.disconnectForUser`. */
export const adminIntegrationsRoutes = new Hono<{ Variables: RequestVariables }>()
  .get("/", (c) =>
    throughProcedure(c, async (caller) => {
      const needsAttention = c.req.query("needsAttention");
      return { integrations: await caller.integrations.all(unvalidated(needsAttention ? { needsAttention } : {})) };
    }),
  )
  .get("/:id/runs", (c) =>
    throughProcedure(c, async (caller) => {
      const limit = c.req.query("limit");
      return {
        runs: await caller.integrations.runs(
          unvalidated({ id: c.req.param("id"), limit: limit === undefined ? undefined : Number(limit) }),
        ),
      };
    }),
  )
  .post("/:id/resync", (c) =>
    throughProcedure(
      c,
      async (caller) => caller.integrations.resync(unvalidated(withId(await optionalJsonBody(c), c.req.param("id")))),
      202,
    ),
  )
  .delete("/:id", (c) =>
    throughProcedure(c, async (caller) =>
      caller.integrations.disconnectForUser(unvalidated(withId(await jsonBody(c), c.req.param("id")))),
    ),
  );

/** A JSON object body with the path's id added; anything else is handed on as it is, for the schema to refuse. */
function withId(body: unknown, id: string): unknown {
  return typeof body === "object" && body !== null && !Array.isArray(body) ? { ...body, id } : body;
}
