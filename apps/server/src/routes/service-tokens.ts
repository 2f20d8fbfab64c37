import { Hono } from "hono";
import type { RequestVariables } from "../request-variables";
import { jsonBody, throughProcedure, unvalidated } from "./rest";

/** Service tokens, for administrators: `serviceTokens.*`. The token itself is only in the creation's answer. */
export const serviceTokensRoutes = new Hono<{ Variables: RequestVariables }>()
  .get("/", (c) =>
    throughProcedure(c, async (caller) => {
      const limit = c.req.query("limit");
      return {
        serviceTokens: await caller.serviceTokens.list(
          unvalidated({ limit: limit === undefined ? undefined : Number(limit) }),
        ),
      };
    }),
  )
  .post("/", (c) =>
    throughProcedure(c, async (caller) => caller.serviceTokens.create(unvalidated(await jsonBody(c))), 201),
  )
  .delete("/:id", (c) => throughProcedure(c, (caller) => caller.serviceTokens.revoke({ id: c.req.param("id") })));
