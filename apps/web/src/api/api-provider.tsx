import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
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

function createTrpcClient() {
  return trpc.createClient({
    links: [
      splitLink({
        condition: (operation) => operation.type === "subscription",
        // Subscriptions are server-sent events: EventSource sends no headers, so the token goes as a connection param.
        true: httpSubscriptionLink({
          url: "/trpc",
          connectionParams: () => {
            const token = readSessionToken();
            return token ? { token } : null;
          },
        }),
        false: httpBatchLink({
          url: "/trpc",
          // Read at each request: the token changes at sign-in and sign-out, the language with the switcher.
          headers() {
            const token = readSessionToken();
            // The interface's language, which the API prefers to the profile's for its messages.
            const language = currentLanguage();
            return { "x-agenda-locale": language, "accept-language": language, ...(token ? { authorization: `Bearer ${token}` } : {}) };
          },
        }),
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
