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

/** A parsed `scope` parameter: Graph permissions in Microsoft's casing plus the OIDC scopes asked for. */
export interface ScopeRequest {
  graph: string[];
  oidc: OidcScope[];
}

/**
 * Parses a space-separated `scope` as the v2.0 endpoint does: bare names and `https://graph.microsoft.com/X`
 * both mean Graph permission X, `https://graph.microsoft.com/.default` means the app's configured permissions,
 * and one request may address only Graph (the one resource the sandbox serves).
 */
export function parseScopes(raw: string, appPermissions: readonly string[], tenant: string): ScopeRequest {
  const explicit = new Set<string>();
  const oidc = new Set<OidcScope>();
  let usesDefault = false;
  for (const scope of raw.split(" ").filter(Boolean)) {
    const lower = scope.toLowerCase();
    if ((OIDC_SCOPES as readonly string[]).includes(lower)) {
      oidc.add(lower as OidcScope);
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
  return { graph: usesDefault ? [...appPermissions] : [...explicit], oidc: [...oidc] };
}

function graphPermissionName(scope: string, tenant: string): string {
  const slash = scope.lastIndexOf("/");
  if (slash === -1) return scope;
  const resource = scope.slice(0, slash);
  if (resource.toLowerCase() !== GRAPH_RESOURCE && resource !== "00000003-0000-0000-c000-000000000000") {
    throw new AadstsError(
      "invalid_resource",
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }
  return scope.slice(slash + 1);
}

/** Every scope name a grant covers, as stored in a consent: Graph permissions and OIDC scopes together. */
export function scopeNames(request: ScopeRequest): string[] {
  return [...request.graph, ...request.oidc];
}

/** What the consent page lists for a scope. */
export function describeScope(name: string): string {
  return GRAPH_PERMISSIONS[name] ?? OIDC_DESCRIPTIONS[name as OidcScope] ?? name;
}

/** Splits stored scope names (as kept in consents, codes and refresh tokens) back into Graph and OIDC scopes. */
export function splitScopeNames(names: readonly string[]): ScopeRequest {
  const isOidc = (name: string): name is OidcScope => (OIDC_SCOPES as readonly string[]).includes(name);
  return { graph: names.filter((name) => !isOidc(name)), oidc: names.filter(isOidc) };
}
