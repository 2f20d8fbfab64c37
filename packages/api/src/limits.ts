/**
 * The most calls one tRPC request may batch. The server refuses more (BATCH_TOO_LARGE); every client of the product
 * batches at most this many. A module of its own so browser bundles can import it without the server's code.
 */
export const MAX_TRPC_BATCH = 20;
