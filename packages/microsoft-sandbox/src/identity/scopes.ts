import { AadstsError } from "./errors";

export const GRAPH_RESOURCE = "https://graph.microsoft.com";

/** OpenID Connect scopes: they shape the id_token and the refresh token, and name no resource. */
export const OIDC_SCOPES = ["openid", "profile", "email", "offline_access"] as const;
export type OidcScope = (typeof OIDC_SCOPES)[number];

/**
 * Delegated Graph permissions the sandbox knows, with the text Microsoft's consent screen shows the user.
 * A scope outside this list is refused like a permission that does not exist on Graph (AADSTS650053).
 */
export const GRAPH_PERMISSIONS: Readonly<Record<string, string>> = {
  "User.Read": "Sign you in and read your profile",
  "User.ReadBasic.All": "Read all users' basic profiles",
  "Calendars.Read": "Read your calendars",
  "Calendars.ReadBasic": "Read basic details of your calendars",
  "Calendars.ReadWrite": "Have full access to your calendars",
  "Calendars.Read.Shared": "Read calendars you can access",
  "Calendars.ReadWrite.Shared": "Read and write calendars you can access",
  "MailboxSettings.Read": "Read your mailbox settings",
  "MailboxSettings.ReadWrite": "Read and write to your mailbox settings",
};

const OIDC_DESCRIPTIONS: Readonly<Record<OidcScope, string>> = {
  openid: "Sign you in",
  profile: "View your basic profile",
  email: "View your email address",
  offline_access: "Maintain access to data you have given it access to",
};

const CANONICAL_GRAPH_NAMES = new Map(Object.keys(GRAPH_PERMISSIONS).map((name) => [name.toLowerCase(), name]));

/**
 * The scope every app registration exposes under its Application ID URI `api://<clientId>`, as "Expose an API"
 * does in Entra: an app (the Outlook add-in, through NAA) then gets an access token for the product's own API.
 */
export const EXPOSED_API_SCOPE = "access_as_user";

/** A parsed `scope` parameter: Graph permissions in Microsoft's casing, the app APIs' scopes and the OIDC scopes asked for. */
export interface ScopeRequest {
  graph: string[];
  /** Full scope names of an exposed API, `api://<clientId>/access_as_user`. */
  api: string[];
  oidc: OidcScope[];
}

/**
 * Parses a space-separated `scope` as the v2.0 endpoint does: bare names and `https://graph.microsoft.com/X`
 * both mean Graph permission X, `https://graph.microsoft.com/.default` means the app's configured permissions,
 * and one request may address only Graph (the one resource the sandbox serves).
 */
export function parseScopes(
  raw: string,
  appPermissions: readonly string[],
  tenant: string,
  exposedApis: readonly string[] = [],
): ScopeRequest {
  const explicit = new Set<string>();
  const api = new Set<string>();
  const oidc = new Set<OidcScope>();
  let usesDefault = false;
  for (const scope of raw.split(" ").filter(Boolean)) {
    const lower = scope.toLowerCase();
    if ((OIDC_SCOPES as readonly string[]).includes(lower)) {
      oidc.add(lower as OidcScope);
      continue;
    }
    if (lower.startsWith("api://")) {
      api.add(exposedApiScope(scope, exposedApis, tenant));
      continue;
    }
    const name = graphPermissionName(scope, tenant);
    if (name === ".default") {
      usesDefault = true;
      continue;
    }
    const canonical = CANONICAL_GRAPH_NAMES.get(name.toLowerCase());
    if (!canonical) {
      throw new AadstsError(
        "invalid_scope",
        650053,
        `The application asked for scope '${name}' that doesn't exist on the resource '00000003-0000-0000-c000-000000000000'. Contact the app vendor.`,
      );
    }
    explicit.add(canonical);
  }
  if (usesDefault && explicit.size > 0) {
    throw new AadstsError(
      "invalid_scope",
      70011,
      "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope .default can't be combined with resource-specific scopes.",
    );
  }
  const graph = usesDefault ? [...appPermissions] : [...explicit];
  if (api.size > 0 && graph.length > 0) {
    throw new AadstsError(
      "invalid_request",
      28000,
      "Provided value for the input parameter scope is not valid because it contains more than one resource. Scope " +
        raw +
        " is not valid.",
    );
  }
  return { graph, api: [...api], oidc: [...oidc] };
}

/** `api://<clientId>/access_as_user` of a registered app, or the error Microsoft gives for an unknown resource or scope. */
function exposedApiScope(scope: string, exposedApis: readonly string[], tenant: string): string {
  const slash = scope.lastIndexOf("/");
  const resource = scope.slice(0, slash);
  const name = scope.slice(slash + 1);
  if (slash <= "api://".length || !exposedApis.includes(resource)) throw unknownResource(resource, tenant);
  if (name !== EXPOSED_API_SCOPE) {
    throw new AadstsError(
      "invalid_scope",
      650053,
      `The application asked for scope '${name}' that doesn't exist on the resource '${resource}'. Contact the app vendor.`,
    );
  }
  return `${resource}/${name}`;
}

function unknownResource(resource: string, tenant: string): AadstsError {
  return new AadstsError(
    "invalid_resource",
    500011,
    `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  );
}

function graphPermissionName(scope: string, tenant: string): string {
  const slash = scope.lastIndexOf("/");
  if (slash === -1) return scope;
  const resource = scope.slice(0, slash);
  if (resource.toLowerCase() !== GRAPH_RESOURCE && resource !== "00000003-0000-0000-c000-000000000000")
    throw unknownResource(resource, tenant);
  return scope.slice(slash + 1);
}

/** Every scope name a grant covers, as stored in a consent: Graph permissions and OIDC scopes together. */
export function scopeNames(request: ScopeRequest): string[] {
  return [...request.graph, ...request.api, ...request.oidc];
}

/** What the consent page lists for a scope. */
export function describeScope(name: string): string {
  if (name.endsWith(`/${EXPOSED_API_SCOPE}`)) return "Access the app's API as you";
  return GRAPH_PERMISSIONS[name] ?? OIDC_DESCRIPTIONS[name as OidcScope] ?? name;
}

/** Splits stored scope names (as kept in consents, codes and refresh tokens) back into Graph, API and OIDC scopes. */
export function splitScopeNames(names: readonly string[]): ScopeRequest {
  const isOidc = (name: string): name is OidcScope => (OIDC_SCOPES as readonly string[]).includes(name);
  const isApi = (name: string) => name.startsWith("api://");
  return {
    graph: names.filter((name) => !isOidc(name) && !isApi(name)),
    api: names.filter(isApi),
    oidc: names.filter(isOidc),
  };
}
