import type { ApiClient } from "./trpc";

/** A read of the API the taskpane shows, and the key under which its answer is shared between components. */
export interface ApiQuery<T> {
  key: string;
  load: (api: ApiClient) => Promise<T>;
}

export type QueryState<T> = { status: "pending" } | { status: "success"; data: T } | { status: "error"; error: Error };

/** One query's answer, the components showing it, and a way to read it again. */
export class QueryEntry<T> {
  #state: QueryState<T> = { status: "pending" };
  #listeners = new Set<() => void>();
  #loading = false;
  #stale = false;

  constructor(private readonly load: () => Promise<T>) {}

  /** For `useSyncExternalStore`: the first component to show the query loads it. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    if (!this.#loading && (this.#state.status === "pending" || this.#stale)) this.refresh();
    return () => this.#listeners.delete(listener);
  };

  readonly snapshot = (): QueryState<T> => this.#state;

  /** Reads again; what is shown stays until the new answer arrives. Nobody showing it: at the next subscription. */
  refresh(): void {
    if (this.#listeners.size === 0) {
      this.#stale = true;
      return;
    }
    this.#stale = false;
    if (this.#loading) {
      this.#stale = true;
      return;
    }
    this.#loading = true;
    this.load()
      .then(
        (data) => this.#settle({ status: "success", data }),
        (error: unknown) =>
          this.#settle({ status: "error", error: error instanceof Error ? error : new Error(String(error)) }),
      )
      .finally(() => {
        this.#loading = false;
        if (this.#stale) this.refresh();
      });
  }

  #settle(state: QueryState<T>): void {
    this.#state = state;
    for (const listener of this.#listeners) listener();
  }
}

/**
 * The taskpane's few reads of the API, shared by the components that show them and read again after a change. A
 * query library would do more, and weigh more than the taskpane's bundle budget allows (see bench/).
 */
export class QueryCache {
  #entries = new Map<string, QueryEntry<unknown>>();

  constructor(private readonly api: ApiClient) {}

  entry<T>(query: ApiQuery<T>): QueryEntry<T> {
    let entry = this.#entries.get(query.key) as QueryEntry<T> | undefined;
    if (!entry) {
      entry = new QueryEntry(() => query.load(this.api));
      this.#entries.set(query.key, entry as QueryEntry<unknown>);
    }
    return entry;
  }

  refresh(query: ApiQuery<unknown>): void {
    this.#entries.get(query.key)?.refresh();
  }
}
