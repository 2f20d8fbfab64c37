import { Hono } from "hono";
import type { RequestVariables } from "../request-variables";
import { throughProcedure, unvalidated } from "./rest";

/** `GET /api/admin/audit-log?cursor=&limit=&userId=&userEmail=&action=&from=&to=`: `auditLog.list`, for administrators. */
export const auditLogRoutes = new Hono<{ Variables: RequestVariables }>().get("/", (c) =>
  throughProcedure(c, (caller) => {
    const { limit, ...filters } = c.req.query();
    return caller.auditLog.list(unvalidated({ ...filters, limit: limit === undefined ? undefined : Number(limit) }));
  }),
);
