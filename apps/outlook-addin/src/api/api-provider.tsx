import { createContext, useContext, useMemo, useSyncExternalStore, type ReactNode } from "react";
import { useTranslation } from "../i18n/i18n";
import { QueryCache, type ApiQuery, type QueryState } from "./query-cache";
import { createApiClient, type ApiClient, type FormationInOutlook, type Formation } from "./trpc";

const ApiContext = createContext<{ api: ApiClient; queries: QueryCache } | null>(null);

/** The typed API for every component below, with the queries they share. */
export function ApiClientProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  const value = useMemo(() => ({ api: client, queries: new QueryCache(client) }), [client]);
  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}

/** The typed API, authenticated with the add-in's token, in the taskpane's language. */
export function ApiProvider({ getApiToken, children }: { getApiToken: () => Promise<string>; children: ReactNode }) {
  const { language } = useTranslation();
  const client = useMemo(() => createApiClient(getApiToken, language), [getApiToken, language]);
  return <ApiClientProvider client={client}>{children}</ApiClientProvider>;
}

export function useApi(): { api: ApiClient; queries: QueryCache } {
  const context = useContext(ApiContext);
  if (!context) throw new Error("useApi outside ApiProvider");
  return context;
}

export function useApiQuery<T>(query: ApiQuery<T>): QueryState<T> {
  const entry = useApi().queries.entry(query);
  return useSyncExternalStore(entry.subscribe, entry.snapshot);
}

export const formationsInOutlook: ApiQuery<FormationInOutlook[]> = {
  key: "sync.formations",
  load: (api) => api.sync.formations.query(),
};

export const formationById = (id: string): ApiQuery<Formation> => ({
  key: `formations.get ${id}`,
  load: (api) => api.formations.get.query({ id }),
});
