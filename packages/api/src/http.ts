import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "./root";
import type { Context } from "./trpc";

/** Answers a Fetch API request to the typed API mounted at `endpoint` (e.g. "/trpc"). */
export function handleTrpcRequest(request: Request, ctx: Context, options: { endpoint: string; onInternalError: (error: unknown, path: string | undefined) => void }): Promise<Response> {
  return fetchRequestHandler({
    endpoint: options.endpoint,
    req: request,
    router: appRouter,
    createContext: () => ctx,
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") options.onInternalError(error.cause ?? error, path);
    },
  });
}
