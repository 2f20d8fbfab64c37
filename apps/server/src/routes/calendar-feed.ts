import { Hono } from "hono";
import type { RequestVariables } from "../request-variables";
import { jsonBody, throughProcedure, unvalidated } from "./rest";

/** The person's private calendar feed, answered by the `feeds.*` procedures. */
export const calendarFeedRoutes = new Hono<{ Variables: RequestVariables }>()
  .get("/", (c) => throughProcedure(c, (caller) => caller.feeds.get()))
  .post("/rotate", (c) => throughProcedure(c, (caller) => caller.feeds.rotate()))
  .put("/settings", (c) =>
    throughProcedure(c, async (caller) => caller.feeds.updateSettings(unvalidated(await jsonBody(c)))),
  )
  .delete("/", (c) => throughProcedure(c, (caller) => caller.feeds.delete(), 204));
