import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "./root";
import type { ApiError, Context } from "./trpc";

interface TrpcRequestOptions {
  endpoint: string;
  onInternalError: (error: unknown, path: string | undefined) => void;
  /**
   * The context of a request authenticated by the `token` connection param instead: browsers' EventSource (the
   * subscriptions' transport) cannot send an Authorization header.
   */
  contextForToken?: (token: string) => Promise<Context>;
}

/** Answers a Fetch API request to the typed API mounted at `endpoint` (e.g. "/trpc"). */
export function handleTrpcRequest(request: Request, ctx: Context, options: TrpcRequestOptions): Promise<Response> {
  return fetchRequestHandler({
    endpoint: options.endpoint,
    req: request,
    router: appRouter,
    createContext: ({ info }) => {
      const token = info.connectionParams?.token;
      const anonymous = !ctx.caller && !ctx.authFailure;
      return token && anonymous && options.contextForToken ? options.contextForToken(token) : ctx;
    },
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") options.onInternalError(error.cause ?? error, path);
    },
  });
}

/**
 * Answers every call of a request to the typed API mounted at `endpoint` with `error` (a spent rate budget…), in
 * the envelope tRPC clients read, one per call of a batch, with `headers` added (Retry-After…).
 */
export function refuseTrpcRequest(request: Request, endpoint: string, error: ApiError, headers: Record<string, string>): Promise<Response> {
  return fetchRequestHandler({
    endpoint,
    req: request,
    router: appRouter,
    createContext: () => {
      throw error;
    },
    responseMeta: () => ({ headers }),
  });
}
