import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { AadstsError } from "./errors";
import { GRAPH_PERMISSIONS } from "./scopes";

/** An app registration: what Microsoft Entra's "App registrations" blade holds for one client id. */
export interface RegisteredClient {
  clientId: string;
  displayName: string;
  /** Client secret values. None makes the app a public client (it must not present a secret). */
  secrets: string[];
  /** Redirect URIs of the "Web" platform. For http loopback URIs the port is ignored, as Microsoft does. */
  redirectUris: string[];
  /**
   * Redirect URIs of the "Single-page application" platform: their codes are redeemed by the browser, cross-origin,
   * with PKCE and no secret (the token endpoint enforces it with AADSTS9002325, 9002326 and 9002327).
   */
  spaRedirectUris?: string[];
  /** Graph permissions configured on the app: what `https://graph.microsoft.com/.default` grants. */
  permissions: string[];
}

export const registeredClientSchema = z
  .object({
    clientId: z.string().min(1),
    displayName: z.string().min(1),
    secrets: z.array(z.string().min(1)),
    redirectUris: z.array(z.url()),
    spaRedirectUris: z.array(z.url()).optional(),
    permissions: z.array(z.enum(Object.keys(GRAPH_PERMISSIONS) as [string, ...string[]])),
  })
  .refine(
    (client) => client.redirectUris.length + (client.spaRedirectUris?.length ?? 0) > 0,
    "An app registration needs at least one redirect URI.",
  );

/** The demo app registered in every sandbox unless `clients` says otherwise; products point at it in local mode. */
export const DEMO_CLIENT: RegisteredClient = {
  clientId: "4a1c5e2b-8f3d-4c6a-9b7e-2d0f1a3c5e7b",
  displayName: "Agenda (sandbox demo app)",
  secrets: ["agenda-sandbox-demo-secret"],
  redirectUris: [
    "http://127.0.0.1/auth/microsoft/callback",
    "http://localhost/auth/microsoft/callback",
    "https://127.0.0.1/auth/microsoft/callback",
  ],
  permissions: ["User.Read", "Calendars.ReadWrite", "MailboxSettings.Read"],
};

export class ClientRegistry {
  readonly #byId: Map<string, RegisteredClient>;

  constructor(clients: readonly RegisteredClient[]) {
    this.#byId = new Map(clients.map((client) => [client.clientId, registeredClientSchema.parse(client)]));
  }

  list(): RegisteredClient[] {
    return [...this.#byId.values()];
  }

  /** The Application ID URIs (`api://<clientId>`) of the registered apps, each exposing `access_as_user`. */
  exposedApis(): string[] {
    return [...this.#byId.keys()].map((clientId) => `api://${clientId}`);
  }

  /** The registration of `clientId`, or Microsoft's AADSTS700016 when there is none. */
  require(clientId: string, tenantLabel: string): RegisteredClient {
    const client = this.#byId.get(clientId);
    if (client) return client;
    throw new AadstsError(
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenantLabel}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
}

export function redirectUriIsRegistered(client: RegisteredClient, redirectUri: string): boolean {
  return [...client.redirectUris, ...(client.spaRedirectUris ?? [])].some((registered) =>
    redirectUrisMatch(registered, redirectUri),
  );
}

/** Whether `redirectUri` is one of the app's single-page-application redirect URIs. */
export function isSpaRedirectUri(client: RegisteredClient, redirectUri: string | undefined): boolean {
  return (
    redirectUri !== undefined &&
    (client.spaRedirectUris ?? []).some((registered) => redirectUrisMatch(registered, redirectUri))
  );
}

/**
 * Exact match, except that http loopback redirect URIs match on any port (RFC 8252 §7.3, which Microsoft's
 * "Redirect URI restrictions" page follows): a native or local app picks its port at run time.
 */
export function redirectUrisMatch(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  const a = safeUrl(registered);
  const b = safeUrl(requested);
  if (!a || !b || a.protocol !== "http:" || b.protocol !== "http:") return false;
  if (!isLoopback(a.hostname) || a.hostname !== b.hostname) return false;
  return a.pathname === b.pathname && a.search === b.search;
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]";
}

function safeUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** The credentials a token request carries, from the form body or from HTTP Basic (RFC 6749 §2.3.1). */
export interface PresentedCredentials {
  clientId: string | undefined;
  clientSecret: string | undefined;
  clientAssertion: string | undefined;
}

export function presentedCredentials(form: URLSearchParams, authorization: string | undefined): PresentedCredentials {
  const basic = authorization?.match(/^Basic\s+(.+)$/i)?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) {
      return {
        clientId: decodeFormComponent(decoded.slice(0, colon)),
        clientSecret: decodeFormComponent(decoded.slice(colon + 1)),
        clientAssertion: form.get("client_assertion") ?? undefined,
      };
    }
  }
  return {
    clientId: form.get("client_id") ?? undefined,
    clientSecret: form.get("client_secret") ?? undefined,
    clientAssertion: form.get("client_assertion") ?? undefined,
  };
}

function decodeFormComponent(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    return value;
  }
}

/** Checks a confidential client's secret (or a public client's lack of one) with Microsoft's error codes. */
export function authenticateClient(client: RegisteredClient, presented: PresentedCredentials): void {
  const isPublic = client.secrets.length === 0;
  if (isPublic) {
    if (presented.clientSecret !== undefined || presented.clientAssertion !== undefined) {
      throw new AadstsError(
        "invalid_client",
        700025,
        "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
      );
    }
    return;
  }
  if (presented.clientAssertion !== undefined) {
    throw new AadstsError(
      "invalid_client",
      700027,
      "The certificate with identifier used to sign the client assertion is not registered on application. The sandbox registers client secrets only.",
    );
  }
  if (presented.clientSecret === undefined) {
    throw new AadstsError(
      "invalid_client",
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  const secret = presented.clientSecret;
  if (!client.secrets.some((known) => constantTimeEquals(known, secret))) {
    throw new AadstsError(
      "invalid_client",
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${client.clientId}'.`,
    );
  }
}

function constantTimeEquals(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
