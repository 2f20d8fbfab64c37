import type { DatabaseOrTransaction } from "@agenda/db/client";
import { auditLog } from "@agenda/db/schema";

export type AuditEntry = Omit<typeof auditLog.$inferInsert, "id" | "occurredAt">;

/** Appends to the audit log. Callers pass facts, never tokens or secrets. */
export async function recordAudit(db: DatabaseOrTransaction, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values(entry);
}
