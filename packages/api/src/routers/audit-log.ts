import { listAuditLog, listAuditLogInput } from "@agenda/domain/audit";
import { adminProcedure, router } from "../trpc";

/** The audit log, for administrators: who did what, to whom, when, in which request. */
export const auditLogRouter = router({
  list: adminProcedure.input(listAuditLogInput).query(({ ctx, input }) => listAuditLog(ctx.db, input)),
});
