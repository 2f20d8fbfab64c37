import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { useState, type ReactNode } from "react";
import { i18n } from "../i18n/i18n";
import { trpc } from "./trpc";

function createTrpcClient(getApiToken: () => Promise<string>) {
  return trpc.createClient({
    links: [
      splitLink({
        condition: (operation) => operation.type === "subscription",
        // Server-sent events carry no headers: the token goes as a connection param.
        true: httpSubscriptionLink({ url: "/trpc", connectionParams: async () => ({ token: await getApiToken() }) }),
        false: httpBatchLink({
          url: "/trpc",
          async headers() {
            return { authorization: `Bearer ${await getApiToken()}`, "x-agenda-locale": i18n.language, "accept-language": i18n.language };
          },
        }),
      }),
    ],
  });
}

/** The typed API, authenticated with the add-in's token, for every component below. */
export function ApiProvider({ getApiToken, children }: { getApiToken: () => Promise<string>; children: ReactNode }) {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: 30_000, retry: 1 }, mutations: { retry: false } } }));
  const [client] = useState(() => createTrpcClient(getApiToken));
  return (
    <trpc.Provider client={client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </trpc.Provider>
  );
}
