import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Directory, type DirectoryUser } from "../directory";
import { GRAPH_AUDIENCE, SigningKeys } from "../signing";
import { createGraphService, type GraphService } from "./index";
import type { GraphOptionsInput } from "./options";
import { suiteOutputCheck } from "./schema/output-check";

/** Origin the in-process tests pretend the sandbox has; links are built on it. */
export const TEST_ORIGIN = "https://127.0.0.1:4443";
export const TEST_APP_ID = "11111111-2222-3333-4444-555555555555";
export const DEFAULT_TEST_SCOPES = "Calendars.ReadWrite User.Read MailboxSettings.Read";

export interface GraphResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TokenOptions {
  scp?: string;
  azp?: string;
  lifetimeSeconds?: number;
  claims?: Record<string, unknown>;
}

/** A Graph service in process, with two mailboxes and tokens signed by its own keys; what it sends is held to Graph's schema. */
export interface GraphHarness {
  service: GraphService;
  directory: Directory;
  keys: SigningKeys;
  alice: DirectoryUser;
  bob: DirectoryUser;
  token(user: DirectoryUser, options?: TokenOptions): Promise<string>;
  /** A request to the Graph API as `user` (alice by default); `path` is relative to /v1.0 or an absolute link. */
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    init?: { user?: DirectoryUser; token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<GraphResponse<T>>;
  close(): void;
}

let sharedKeys: Promise<SigningKeys> | undefined;

/** RSA key generation is slow: harnesses of a test file share one key pair unless given their own. */
export async function createGraphHarness(
  options: GraphOptionsInput = {},
  ownKeys?: SigningKeys,
): Promise<GraphHarness> {
  sharedKeys ??= SigningKeys.generate();
  const keys = ownKeys ?? (await sharedKeys);
  const directory = new Directory();
  const alice = directory.add({
    userPrincipalName: "alice@contoso.example",
    displayName: "Alice",
    timeZone: "Europe/Paris",
  });
  const bob = directory.add({
    userPrincipalName: "bob@contoso.example",
    displayName: "Bob",
    timeZone: "America/New_York",
  });
  const service = createGraphService({
    directory,
    verifyAccessToken: (token) => keys.verifyAccessToken(token),
    baseUrl: () => TEST_ORIGIN,
    options,
  });
  service.observe(suiteOutputCheck.check);
  const tokens = new Map<string, string>();
  const token = async (user: DirectoryUser, tokenOptions: TokenOptions = {}): Promise<string> => {
    const claims = {
      oid: user.id,
      tid: user.tenantId,
      azp: tokenOptions.azp ?? TEST_APP_ID,
      scp: tokenOptions.scp ?? DEFAULT_TEST_SCOPES,
      aud: GRAPH_AUDIENCE,
      iss: `https://login.microsoftonline.com/${user.tenantId}/v2.0`,
      ...tokenOptions.claims,
    };
    return keys.sign(claims, tokenOptions.lifetimeSeconds ?? 3600);
  };
  return {
    service,
    directory,
    keys,
    alice,
    bob,
    token,
    async call(method, path, init = {}) {
      const user = init.user ?? alice;
      let bearer = init.token;
      if (bearer === undefined) {
        bearer = tokens.get(user.id) ?? (await token(user));
        tokens.set(user.id, bearer);
      }
      const relative = path.startsWith(TEST_ORIGIN) ? path.slice(TEST_ORIGIN.length + "/v1.0".length) : path;
      const headers: Record<string, string> = {
        ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
        ...init.headers,
      };
      if (init.body !== undefined) headers["Content-Type"] ??= "application/json";
      const response = await service.api.request(relative, {
        method,
        headers,
        body:
          init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
      });
      const text = await response.text();
      const body = text && (response.headers.get("content-type") ?? "").includes("json") ? JSON.parse(text) : text;
      return { status: response.status, headers: response.headers, body };
    },
    close: () => service.close(),
  };
}

/** A Graph event body for a timed event. */
export function eventBody(
  subject: string,
  start: string,
  end: string,
  timeZone = "UTC",
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { subject, start: { dateTime: start, timeZone }, end: { dateTime: end, timeZone }, ...extra };
}

export interface Webhook {
  /** `http://127.0.0.1:<port>`; any path answers. */
  url: string;
  /** Bodies of the notifications received, in order. */
  notifications: string[];
  close(): Promise<void>;
}

/** A subscriber's endpoint on loopback: passes Graph's validation handshake and accepts every notification with 202. */
export async function startWebhook(): Promise<Webhook> {
  const notifications: string[] = [];
  const server = createServer((request, response) => {
    const token = new URL(request.url ?? "/", "http://localhost").searchParams.get("validationToken");
    if (token !== null) {
      response.writeHead(200, { "Content-Type": "text/plain" }).end(token);
      return;
    }
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      notifications.push(Buffer.concat(chunks).toString());
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    notifications,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
