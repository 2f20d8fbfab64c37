import { trpc, type RouterInputs } from "../api/trpc";

export type AuditLogFilters = Omit<RouterInputs["auditLog"]["list"], "cursor" | "limit">;

const PAGE = 50;

/** The audit log under the filters, a page at a time, newest first (the API refuses anyone but administrators). */
export function useAuditLog(filters: AuditLogFilters) {
  return trpc.auditLog.list.useInfiniteQuery(
    { ...filters, limit: PAGE },
    { getNextPageParam: (page) => page.nextCursor ?? undefined },
  );
}
