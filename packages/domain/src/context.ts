import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What every log line and audit row written while handling one request or one job carries (request id, job id, run
 * id). Kept here, below the sync engine and the API, so that the domain's audit rows name the request that caused them
 * without every function passing its id along.
 */
export type LogContext = Record<string, string | undefined>;

const logContextStore = new AsyncLocalStorage<LogContext>();

/** Runs `work` with `fields` added to the current context. */
export function withLogContext<T>(fields: LogContext, work: () => T): T {
  return logContextStore.run({ ...logContextStore.getStore(), ...fields }, work);
}

export function currentLogContext(): LogContext {
  return logContextStore.getStore() ?? {};
}
