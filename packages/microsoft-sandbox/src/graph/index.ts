import type { Hono } from "hono";
import type { Directory } from "../directory";
import type { AccessTokenClaims } from "../signing";
import { createAdminApp } from "./admin/admin-app";
import { createGraphApi } from "./api";
import { TokenVerifier } from "./auth";
import type { GraphEnv, GraphRuntime } from "./context";
import { FaultInjector } from "./faults";
import { mergeGraphOptions, resolveGraphOptions, type GraphOptions, type GraphOptionsInput } from "./options";
import { GraphOutputs, type GraphOutputListener } from "./outputs";
import { RequestLog } from "./request-log";
import { GraphStore, type GraphStoreSnapshot } from "./store";
import { Notifier } from "./subscriptions/notifier";
import { SubscriptionRegistry, type Subscription } from "./subscriptions/subscriptions";
import { Throttle } from "./throttling";

export interface GraphServiceDeps {
  directory: Directory;
  verifyAccessToken(token: string): Promise<AccessTokenClaims>;
  /** The sandbox's origin, e.g. "https://127.0.0.1:53211", without a trailing slash. */
  baseUrl(): string;
  options?: GraphOptionsInput;
}

export interface GraphSnapshot {
  version: 1;
  store: GraphStoreSnapshot;
  subscriptions: Subscription[];
}

export interface GraphService {
  /** Graph v1.0, to mount at /v1.0. */
  api: Hono<GraphEnv>;
  /** Admin page and REST API, to mount at /admin. */
  admin: Hono;
  options(): GraphOptions;
  /** Changes options at run time (limits, page sizes, fault configuration…). */
  setOptions(change: GraphOptionsInput): GraphOptions;
  store: GraphStore;
  faults: FaultInjector;
  requestLog: RequestLog;
  subscriptions: SubscriptionRegistry;
  notifier: Notifier;
  /** Tells `listener` of every response and notification the Graph side sends, until the returned function is called. */
  observe(listener: GraphOutputListener): () => void;
  snapshot(): GraphSnapshot;
  restore(snapshot: unknown): void;
  /** Forgets events, subscriptions, request log and throttling state; options and faults stay. */
  reset(): void;
  /** Stops background timers (lifecycle checks, pending deliveries). */
  close(): void;
}

function isGraphSnapshot(value: unknown): value is GraphSnapshot {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<GraphSnapshot>;
  return candidate.version === 1 && typeof candidate.store === "object" && Array.isArray(candidate.subscriptions);
}

export function createGraphService(deps: GraphServiceDeps): GraphService {
  let options = resolveGraphOptions(deps.options);
  const faults = new FaultInjector(options.faults);
  const store = new GraphStore(deps.directory, () => ({
    changeLogRetention: options.changeLogRetention,
    transactionIdRetentionMs:
      options.transactionIdRetentionSeconds === null ? null : options.transactionIdRetentionSeconds * 1000,
  }));
  const requestLog = new RequestLog(() => options.requestLogSize);
  const throttle = new Throttle(() => options.throttling);
  const outputs = new GraphOutputs();
  const notifier = new Notifier(
    () => options.subscriptions,
    faults,
    (ids) => registry.onDropped(ids),
    outputs,
  );
  const registry = new SubscriptionRegistry(() => options.subscriptions, notifier);
  store.onChange((change) => registry.onChange(change));
  registry.start();

  const runtime: GraphRuntime = {
    directory: deps.directory,
    store,
    throttle,
    faults,
    log: requestLog,
    outputs,
    options: () => options,
    baseUrl: deps.baseUrl,
  };
  const service: Omit<GraphService, "admin"> = {
    api: createGraphApi(runtime, new TokenVerifier(deps.verifyAccessToken), registry),
    options: () => ({ ...options, faults: faults.config }),
    setOptions(change) {
      options = mergeGraphOptions({ ...options, faults: faults.config }, change);
      if (change.faults) faults.configure(change.faults);
      return service.options();
    },
    store,
    faults,
    requestLog,
    subscriptions: registry,
    notifier,
    observe: (listener) => outputs.listen(listener),
    snapshot: () => ({ version: 1, store: store.snapshot(), subscriptions: registry.snapshot() }),
    restore(snapshot) {
      if (!isGraphSnapshot(snapshot)) throw new Error("Not a Graph sandbox snapshot (expected version 1).");
      store.restore(snapshot.store);
      registry.restore(snapshot.subscriptions);
    },
    reset() {
      store.reset();
      registry.reset();
      notifier.reset();
      requestLog.clear();
      throttle.reset();
    },
    close() {
      registry.close();
      notifier.close();
    },
  };
  return { ...service, admin: createAdminApp(service, runtime) };
}

export type { GraphOptions, GraphOptionsInput } from "./options";
export type { GraphEnv } from "./context";
