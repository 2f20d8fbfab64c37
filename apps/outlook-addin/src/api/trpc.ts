import type { AppRouter } from "@agenda/api";
import { MAX_TRPC_BATCH } from "@agenda/api/limits";
import { ticketedSubscriptionLinks } from "@agenda/client/status-stream";
import { createTRPCClient, httpBatchLink, retryLink, splitLink, TRPCClientError, type TRPCClient } from "@trpc/client";
import type { inferRouterOutputs } from "@trpc/server";
import type { Language } from "../i18n/i18n";

/** The product's typed API. */
export type ApiClient = TRPCClient<AppRouter>;

type RouterOutputs = inferRouterOutputs<AppRouter>;
export type FormationInOutlook = RouterOutputs["sync"]["formations"][number];
export type Formation = RouterOutputs["formations"]["get"];
export type SyncStatus = RouterOutputs["sync"]["onStatus"] extends AsyncIterable<infer Status> ? Status : never;

/** The product's own code for an API error (`MICROSOFT_ACCOUNT_UNKNOWN`…), when the server gave one. */
export function apiErrorCode(error: unknown): string | undefined {
  return error instanceof TRPCClientError ? (error.data as { appCode?: string } | undefined)?.appCode : undefined;
}

/** The API as the taskpane calls it: with the add-in's token, answers in the taskpane's language. */
export function createApiClient(getApiToken: () => Promise<string>, language: Language): ApiClient {
  const client: ApiClient = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (operation) => operation.type === "subscription",
        // Server-sent events, opened with a single-use stream ticket asked for with the token in a header.
        true: [
          // The server ends a status stream when the token behind it expires: open it again, with a fresh ticket.
          retryLink({ retry: ({ error, attempts }) => apiErrorCode(error) === "TOKEN_EXPIRED" && attempts < 3 }),
          ...ticketedSubscriptionLinks({
            url: "/trpc",
            requestTicket: async () => (await client.sync.statusTicket.mutate()).ticket,
          }),
        ],
        false: httpBatchLink({
          url: "/trpc",
          maxItems: MAX_TRPC_BATCH,
          async headers() {
            return {
              authorization: `Bearer ${await getApiToken()}`,
              "x-agenda-locale": language,
              "accept-language": language,
            };
          },
        }),
      }),
    ],
  });
  return client;
}
