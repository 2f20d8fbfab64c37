import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { AppRouter } from "@agenda/api";
import { MAX_TRPC_BATCH } from "@agenda/api/limits";
import { ticketedSubscriptionLinks } from "@agenda/client/status-stream";
import { createTRPCClient, httpBatchLink, httpLink, splitLink } from "@trpc/client";
import { useState, type ReactNode } from "react";
import { currentLanguage } from "../i18n/i18n";
import { readSessionToken, storeSessionToken } from "../session/session-store";
import { isAuthFailure, isClientError } from "./api-error";
import { SyncStatusProvider } from "./sync-status-provider";
import { trpc } from "./trpc";

function createQueryClient(): QueryClient {
  const signOutOnAuthFailure = (error: unknown) => {
    if (isAuthFailure(error)) storeSessionToken(null);
  };
  return new QueryClient({
    queryCache: new QueryCache({ onError: signOutOnAuthFailure }),
    mutationCache: new MutationCache({ onError: signOutOnAuthFailure }),
    defaultOptions: {
      queries: { staleTime: 30_000, retry: (failures, error) => !isClientError(error) && failures < 2 },
      mutations: { retry: false },
    },
  });
}

/** Read at each request: the token changes at sign-in and sign-out, the language with the switcher. */
function requestHeaders(): Record<string, string> {
  const token = readSessionToken();
  // The interface's language, which the API prefers to the profile's for its messages.
  const language = currentLanguage();
  return {
    "x-agenda-locale": language,
    "accept-language": language,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
}

function createTrpcClient() {
  const tickets = createTRPCClient<AppRouter>({ links: [httpLink({ url: "/trpc", headers: requestHeaders })] });
  return trpc.createClient({
    links: [
      splitLink({
        condition: (operation) => operation.type === "subscription",
        // Subscriptions are server-sent events, opened with a single-use ticket, never the session token itself.
        true: ticketedSubscriptionLinks({
          url: "/trpc",
          requestTicket: async () => (await tickets.sync.statusTicket.mutate()).ticket,
        }),
        false: httpBatchLink({ url: "/trpc", maxItems: MAX_TRPC_BATCH, headers: requestHeaders }),
      }),
    ],
  });
}

/** The typed API and its cache, for every component below. */
export function ApiProvider({ children }: { children: ReactNode }) {
  const [client] = useState(createQueryClient);
  const [trpcClient] = useState(createTrpcClient);
  return (
    <trpc.Provider client={trpcClient} queryClient={client}>
      <QueryClientProvider client={client}>
        <SyncStatusProvider>{children}</SyncStatusProvider>
      </QueryClientProvider>
    </trpc.Provider>
  );
}
