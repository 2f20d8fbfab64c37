import { Hono } from "hono";
import type { RequestVariables } from "../request-variables";
import { throughProcedure } from "./rest";

/** The platform tells Agenda that one of its people left or came back, by the platform's own user id. */
export const usersRoutes = new Hono<{ Variables: RequestVariables }>()
  .post("/:platformUserId/deactivate", (c) =>
    throughProcedure(c, (caller) => caller.users.deactivate({ platformUserId: c.req.param("platformUserId") })),
  )
  .post("/:platformUserId/reactivate", (c) =>
    throughProcedure(c, (caller) => caller.users.reactivate({ platformUserId: c.req.param("platformUserId") })),
  );
