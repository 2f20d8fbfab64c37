import { eventsWindow } from "@agenda/domain/events";
import { Hono } from "hono";
import type { RequestVariables } from "../request-variables";
import { jsonBody, throughProcedure, unvalidated } from "./rest";

/** The original spec's REST endpoints for agenda events, answered by the `events.*` procedures. */
export const calendarEventsRoutes = new Hono<{ Variables: RequestVariables }>()
  // The spec calls it without a range: the answer says which window it covers.
  .get("/", (c) =>
    throughProcedure(c, async (caller) => {
      const sources = c.req.query("sources");
      const window = eventsWindow({ from: c.req.query("from"), to: c.req.query("to") });
      const events = await caller.events.list(unvalidated({ ...window, sources: sources?.split(",") }));
      return { ...window, events };
    }),
  )
  .post("/", (c) => throughProcedure(c, async (caller) => caller.events.create(unvalidated(await jsonBody(c))), 201))
  .get("/:id", (c) => throughProcedure(c, (caller) => caller.events.get({ id: c.req.param("id") })))
  .put("/:id", (c) =>
    throughProcedure(c, async (caller) =>
      caller.events.update(unvalidated({ ...((await jsonBody(c)) as object), id: c.req.param("id") })),
    ),
  )
  .delete("/:id", (c) => throughProcedure(c, (caller) => caller.events.delete({ id: c.req.param("id") }), 204));
