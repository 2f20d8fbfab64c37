import type { AppRouter } from "@agenda/api";
import { createTRPCReact } from "@trpc/react-query";
import type { inferRouterOutputs } from "@trpc/server";

export const trpc = createTRPCReact<AppRouter>();

type RouterOutputs = inferRouterOutputs<AppRouter>;
export type FormationInOutlook = RouterOutputs["sync"]["formations"][number];
export type Formation = RouterOutputs["formations"]["get"];
export type SyncStatus = RouterOutputs["sync"]["onStatus"] extends AsyncIterable<infer Status> ? Status : never;
