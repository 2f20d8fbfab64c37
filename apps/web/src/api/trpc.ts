import type { AppRouter } from "@agenda/api";
import { createTRPCReact } from "@trpc/react-query";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

export const trpc = createTRPCReact<AppRouter>();

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export type AgendaEvent = RouterOutputs["events"]["list"][number];
export type EventSource = AgendaEvent["source"];
export type Integration = RouterOutputs["integrations"]["list"][number];
export type IntegrationStatus = Integration["status"];
export type AdminIntegration = RouterOutputs["integrations"]["all"][number];
export type OutlookCalendar = RouterOutputs["integrations"]["outlook"]["calendars"][number];
export type AuditLogEntry = RouterOutputs["auditLog"]["list"]["entries"][number];
export type ServiceTokenView = RouterOutputs["serviceTokens"]["list"][number];
export type CancelledFormationsInOutlook = RouterOutputs["platformSettings"]["get"]["cancelledFormationsInOutlook"];
export type SignedInUser = Extract<RouterOutputs["me"], { kind: "user" }>;
export type UserRole = SignedInUser["role"];
/** The live status `sync.onStatus` streams (the server's `IntegrationStatus`). */
export type SyncStatus = RouterOutputs["sync"]["onStatus"] extends AsyncIterable<infer Status> ? Status : never;
