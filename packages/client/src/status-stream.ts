import type { AppRouter } from "@agenda/api";
import { httpSubscriptionLink, TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable, type Unsubscribable } from "@trpc/server/observable";

export interface TicketedSubscriptionOptions {
  url: string;
  /** Asks the API for a single-use stream ticket (`sync.statusTicket`), with the caller's credentials in a header. */
  requestTicket: () => Promise<string>;
  /** An EventSource implementation, where the runtime has none (Node). */
  EventSource?: Parameters<typeof httpSubscriptionLink>[0]["EventSource"];
}

/**
 * The links that open the API's subscriptions as browsers must: EventSource puts what it sends in the URL, so the
 * stream is opened with a single-use ticket, never the session token. The ticket is asked for before the stream
 * opens, so a refusal (an expired session, an unknown Microsoft account) reaches the subscriber as the API's own typed
 * error — tRPC would hide an error thrown from `connectionParams` — and every reconnection asks for a fresh one.
 */
export function ticketedSubscriptionLinks(options: TicketedSubscriptionOptions): Array<TRPCLink<AppRouter>> {
  let prepared: string | undefined;
  const ticketFirst: TRPCLink<AppRouter> =
    () =>
    ({ op, next }) =>
      observable((observer) => {
        let stream: Unsubscribable | undefined;
        let stopped = false;
        options.requestTicket().then(
          (ticket) => {
            if (stopped) return;
            prepared = ticket;
            stream = next(op).subscribe(observer);
          },
          (error: unknown) =>
            observer.error(TRPCClientError.from(error instanceof Error ? error : new Error(String(error)))),
        );
        return () => {
          stopped = true;
          stream?.unsubscribe();
        };
      });
  const stream = httpSubscriptionLink({
    url: options.url,
    EventSource: options.EventSource,
    connectionParams: async () => {
      const ticket = prepared ?? (await options.requestTicket());
      prepared = undefined;
      return { ticket };
    },
  });
  return [ticketFirst, stream];
}
