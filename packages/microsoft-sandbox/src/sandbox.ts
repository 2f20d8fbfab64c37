import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { type Server, createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import { Directory, type NewDirectoryUser } from "./directory";
import { type GraphOptionsInput, type GraphService, createGraphService } from "./graph";
import { type IdentityOptions, type IdentityService, createIdentityService } from "./identity";
import { type SavedState, loadKeptPort, loadState, saveAtomically } from "./persistence";
import { SigningKeys } from "./signing";
import { DEFAULT_TLS_DIR, ensureSandboxCertificates } from "./tls";

/** `<repo root>/.data/sandbox`: where `persist` keeps the state (the root .gitignore excludes `.data/`). */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL("../../../.data/sandbox", import.meta.url));

export interface SandboxOptions {
  /**
   * TCP port on 127.0.0.1; 0 (the default) picks a free one. `"kept"` (with `persist`): the port the data dir's
   * previous start listened on, a free one the first time, so that its origin stays what its clients stored.
   */
  port?: number | "kept";
  /** Where the CA and server certificate live; `<repo root>/.data/sandbox/tls` by default. */
  tlsDir?: string;
  /** Where `persist` saves the state; `<repo root>/.data/sandbox` by default. */
  dataDir?: string;
  /**
   * Load the saved state at start, save it periodically and at `stop()`; keep the port listened on (`port` in the
   * data dir). Off by default (state in memory).
   */
  persist?: boolean;
  /** How often a persisted sandbox writes its state when it changed; 5 s by default. */
  saveIntervalMs?: number;
  /** Mailbox users added at start when missing (a user is matched by userPrincipalName). */
  users?: NewDirectoryUser[];
  identity?: IdentityOptions;
  /** Graph options (limits, page sizes, subscriptions, faults): see the README's Graph section. */
  graph?: GraphOptionsInput;
}

export interface Sandbox {
  /** The HTTPS origin, e.g. `https://127.0.0.1:53211`, with no trailing slash. */
  url: string;
  /** Whether the state was loaded from an earlier run's save, rather than started empty. */
  restored: boolean;
  /** An MSAL authority on the sandbox: `{url}/{tenant}` (`common` by default). */
  authority(tenant?: string): string;
  /** What MSAL needs in `knownAuthorities` to trust the sandbox offline: its `host:port`. */
  knownAuthority: string;
  /** The Graph client's `baseUrl`: `{url}/v1.0`. */
  graphBaseUrl: string;
  /** The CA certificate to trust, e.g. with `NODE_EXTRA_CA_CERTS`. */
  caCertPath: string;
  directory: Directory;
  identity: IdentityService;
  graph: GraphService;
  signing: SigningKeys;
  /** Writes the state now (a no-op unless `persist`). */
  save(): Promise<void>;
  /** Saves (when persisting), closes every connection and stops listening. */
  stop(): Promise<void>;
}

/** Starts the Microsoft sandbox: identity platform, Graph and admin on one HTTPS origin on 127.0.0.1. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  if (options.port === "kept" && !options.persist) throw new Error('startSandbox: port "kept" needs persist');
  const certificates = await ensureSandboxCertificates(options.tlsDir ?? DEFAULT_TLS_DIR);
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const stateFile = join(dataDir, "state.json");
  const portFile = join(dataDir, "port");
  const saved = options.persist ? await loadState(stateFile) : undefined;
  const port = options.port === "kept" ? ((await loadKeptPort(portFile)) ?? 0) : (options.port ?? 0);

  const directory = saved ? Directory.fromJSON(saved.directory) : new Directory();
  for (const user of options.users ?? []) directory.add(user);
  const signing = saved ? await SigningKeys.fromPrivateJwk(saved.signingKey) : await SigningKeys.generate();
  let origin = "";
  const identity = createIdentityService({ directory, signing, origin: () => origin, options: options.identity });
  const graph = createGraphService({
    directory,
    verifyAccessToken: (token) => signing.verifyAccessToken(token),
    baseUrl: () => origin,
    options: options.graph,
  });
  if (saved) {
    identity.restore(saved.identity);
    if (saved.graph !== null) graph.restore(saved.graph);
  }

  const app = new Hono();
  app.use(async (c, next) => {
    const clientRequestId = c.req.header("client-request-id");
    await next();
    // Graph sets its own request-id (it also goes in error bodies); everything else gets one here.
    if (!c.res.headers.has("request-id")) c.res.headers.set("request-id", randomUUID());
    if (clientRequestId && !c.res.headers.has("client-request-id"))
      c.res.headers.set("client-request-id", clientRequestId);
  });
  app.route("/v1.0", graph.api);
  app.route("/admin/api/identity", identity.admin);
  app.route("/admin", graph.admin);
  app.route("/", identity.api);
  app.notFound((c) => c.json({ error: { code: "NotFound", message: `No sandbox endpoint at ${c.req.path}.` } }, 404));
  app.onError((error, c) => {
    console.error("Microsoft sandbox: unexpected error on", c.req.method, c.req.path, error);
    return c.json({ error: { code: "generalException", message: "The sandbox failed to process the request." } }, 500);
  });

  const [cert, key] = await Promise.all([readFile(certificates.certPath), readFile(certificates.keyPath)]);
  const server = createServer({ cert, key }, getRequestListener(app.fetch));
  try {
    await listen(server, port);
  } catch (error) {
    graph.close();
    throw error;
  }
  const listeningPort = (server.address() as AddressInfo).port;
  origin = `https://127.0.0.1:${listeningPort}`;
  if (options.persist) await saveAtomically(portFile, `${listeningPort}\n`);

  let lastSaved = "";
  const save = async () => {
    if (!options.persist) return;
    const state: SavedState = {
      version: 1,
      directory: directory.toJSON(),
      signingKey: { ...(await signing.exportPrivateJwk()) },
      identity: identity.snapshot(),
      graph: graph.snapshot(),
    };
    const serialized = JSON.stringify(state);
    if (serialized === lastSaved) return;
    await saveAtomically(stateFile, serialized);
    lastSaved = serialized;
  };
  const saveInBackground = () =>
    void save().catch((error: unknown) => console.error("Microsoft sandbox: saving the state failed", error));
  const saveTimer = options.persist ? setInterval(saveInBackground, options.saveIntervalMs ?? 5000) : undefined;
  saveTimer?.unref();

  return {
    url: origin,
    restored: saved !== undefined,
    authority: (tenant = "common") => `${origin}/${tenant}`,
    knownAuthority: new URL(origin).host,
    graphBaseUrl: `${origin}/v1.0`,
    caCertPath: certificates.caCertPath,
    directory,
    identity,
    graph,
    signing,
    save,
    async stop() {
      clearInterval(saveTimer);
      graph.close();
      await save();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
}
