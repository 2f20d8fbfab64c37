import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { httpBatchLink } from "@trpc/client";
import { useState, type ReactNode } from "react";
import { currentLanguage } from "../i18n/i18n";
import { readSessionToken, storeSessionToken } from "../session/session-store";
import { isAuthFailure, isClientError } from "./api-error";
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
      httpBatchLink({
        url: "/trpc",
        // Read at each request: the token changes at sign-in and sign-out, the language with the switcher.
        headers() {
          const token = readSessionToken();
          return { "accept-language": currentLanguage(), ...(token ? { authorization: `Bearer ${token}` } : {}) };
        },
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
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </trpc.Provider>
  );
}
