import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { z } from "zod";
import { MAX_TRPC_BATCH } from "./limits";
import { appRouter } from "./root";
import type { ApiError, Context } from "./trpc";

interface TrpcRequestOptions {
  endpoint: string;
  onInternalError: (error: unknown, path: string | undefined) => void;
}

/** Answers a Fetch API request to the typed API mounted at `endpoint` (e.g. "/trpc"), in the context built for it. */
export function handleTrpcRequest(request: Request, ctx: Context, options: TrpcRequestOptions): Promise<Response> {
  return fetchRequestHandler({
    endpoint: options.endpoint,
    req: request,
    router: appRouter,
    maxBatchSize: MAX_TRPC_BATCH,
    createContext: () => ctx,
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") options.onInternalError(error.cause ?? error, path);
    },
  });
}

/** How many procedure calls a request to the typed API makes: the comma-separated paths of a batch, or one. */
export function trpcCallCount(request: Request, endpoint: string): number {
  const url = new URL(request.url);
  if (url.searchParams.get("batch") !== "1") return 1;
  return url.pathname.slice(endpoint.length + 1).split(",").length;
}

const connectionParams = z.object({ ticket: z.string().max(256) });

/**
 * The stream ticket a subscription request carries in tRPC's `connectionParams` query parameter (browsers'
 * EventSource cannot send headers): undefined without the parameter, null when it holds anything but a ticket —
 * a session token there is refused, never used.
 */
export function streamTicketOf(request: Request): string | null | undefined {
  const raw = new URL(request.url).searchParams.get("connectionParams");
  if (raw === null) return undefined;
  try {
    const parsed = connectionParams.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data.ticket : null;
  } catch {
    return null;
  }
}

/**
 * Answers every call of a request to the typed API mounted at `endpoint` with `error` (a spent rate budget…), in
 * the envelope tRPC clients read, one per call of a batch, with `headers` added (Retry-After…).
 */
export function refuseTrpcRequest(
  request: Request,
  endpoint: string,
  error: ApiError,
  headers: Record<string, string>,
): Promise<Response> {
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
