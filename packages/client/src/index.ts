import type { AppRouter } from "@agenda/api";
import { MAX_TRPC_BATCH } from "@agenda/api/limits";
import { TRPCClientError, createTRPCClient, httpBatchLink } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

export type { AppRouter };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export interface AgendaClientOptions {
  /** Origin of the Agenda server, e.g. https://agenda.example.com. */
  url: string;
  /** A service token (`agd_svc_...`) or a platform session token. */
  token: string;
  /** Language of error messages: French by default. */
  locale?: "fr" | "en";
  fetch?: typeof fetch;
}

/** The typed API for other internal apps: every procedure of the server, with its input and output types. */
export function createAgendaClient(options: AgendaClientOptions) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${options.url.replace(/\/$/, "")}/trpc`,
        maxItems: MAX_TRPC_BATCH,
        headers: { authorization: `Bearer ${options.token}`, "accept-language": options.locale ?? "fr" },
        fetch: options.fetch,
      }),
    ],
  });
}

export type AgendaClient = ReturnType<typeof createAgendaClient>;

/** The stable machine-readable code of an API error (e.g. "EVENT_NOT_FOUND"), when the error came from the API. */
export function agendaErrorCode(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data = error.data as { appCode?: unknown } | undefined;
  return typeof data?.appCode === "string" ? data.appCode : undefined;
}
