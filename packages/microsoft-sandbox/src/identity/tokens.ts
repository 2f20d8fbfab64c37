import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { DirectoryUser } from "../directory";
import { GRAPH_AUDIENCE, type SigningKeys } from "../signing";
import type { RegisteredClient } from "./clients";
import type { OidcScope } from "./scopes";

const ID_TOKEN_LIFETIME_SECONDS = 3600;

/** The token endpoint's success body (v2-oauth2-auth-code-flow.md, "Successful response"). */
export interface TokenResponse {
  token_type: "Bearer";
  scope: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  client_info?: string;
}

export interface TokenGrant {
  user: DirectoryUser;
  client: RegisteredClient;
  graphScopes: readonly string[];
  /** Scopes of an app's exposed API (`api://<clientId>/access_as_user`); the access token is then for that API. */
  apiScopes: readonly string[];
  oidcScopes: readonly OidcScope[];
  nonce: string | undefined;
  accessTokenLifetimeSeconds: number;
  refreshToken: string | undefined;
  /** MSAL sends `client_info=1`; Microsoft then returns `client_info`, from which MSAL builds the account id. */
  wantsClientInfo: boolean;
}

/** The v2.0 issuer of a tenant on this sandbox: `{origin}/{tid}/v2.0`, like `login.microsoftonline.com/{tid}/v2.0`. */
export function issuerOf(origin: string, tenantId: string): string {
  return `${origin}/${tenantId}/v2.0`;
}

/** `sub` is pairwise: stable for one user and one app, different across apps (id-token-claims-reference.md). */
export function pairwiseSubject(userId: string, audience: string): string {
  return createHash("sha256").update(`${userId}|${audience}`).digest("base64url");
}

export function clientInfo(user: DirectoryUser): string {
  return Buffer.from(JSON.stringify({ uid: user.id, utid: user.tenantId })).toString("base64url");
}

export async function issueTokens(signing: SigningKeys, origin: string, grant: TokenGrant): Promise<TokenResponse> {
  const { user, client } = grant;
  const oidc = new Set(grant.oidcScopes);
  // Microsoft's access-token scope lists the resource's permissions plus the OIDC scopes; offline_access never.
  const resourceScopes = grant.apiScopes.length > 0 ? grant.apiScopes : grant.graphScopes;
  const scopes = [...resourceScopes, ...grant.oidcScopes.filter((scope) => scope !== "offline_access")];
  const accessToken =
    grant.apiScopes.length > 0
      ? await issueApiAccessToken(signing, origin, grant)
      : await signing.sign(
          {
            aud: GRAPH_AUDIENCE,
            // Graph access tokens are v1.0 tokens from the STS, whatever endpoint issued them.
            iss: `https://sts.windows.net/${user.tenantId}/`,
            ver: "1.0",
            acct: 0,
            aio: randomOpaque(),
            amr: ["pwd"],
            app_displayname: client.displayName,
            appid: client.clientId,
            appidacr: client.secrets.length > 0 ? "1" : "0",
            azp: client.clientId,
            idtyp: "user",
            ipaddr: "127.0.0.1",
            name: user.displayName,
            oid: user.id,
            rh: randomOpaque(),
            scp: scopes.join(" "),
            sub: pairwiseSubject(user.id, GRAPH_AUDIENCE),
            tid: user.tenantId,
            unique_name: user.userPrincipalName,
            upn: user.userPrincipalName,
            uti: randomBytes(16).toString("base64url"),
          },
          grant.accessTokenLifetimeSeconds,
        );
  const response: TokenResponse = {
    token_type: "Bearer",
    scope: scopes.join(" "),
    expires_in: grant.accessTokenLifetimeSeconds,
    ext_expires_in: grant.accessTokenLifetimeSeconds,
    access_token: accessToken,
  };
  if (grant.refreshToken) response.refresh_token = grant.refreshToken;
  if (oidc.has("openid")) response.id_token = await issueIdToken(signing, origin, grant);
  if (grant.wantsClientInfo) response.client_info = clientInfo(user);
  return response;
}

/**
 * An access token for an app's own API, shaped like the v2.0 tokens Microsoft issues when the API's registration
 * sets `requestedAccessTokenVersion: 2`: `aud` is the API's client id, `iss` the v2 issuer, `scp` the bare scope names.
 */
async function issueApiAccessToken(signing: SigningKeys, origin: string, grant: TokenGrant): Promise<string> {
  const { user, client } = grant;
  const firstScope = grant.apiScopes[0] ?? "";
  const apiClientId = firstScope.slice("api://".length, firstScope.lastIndexOf("/"));
  return signing.sign(
    {
      aud: apiClientId,
      iss: issuerOf(origin, user.tenantId),
      ver: "2.0",
      aio: randomOpaque(),
      azp: client.clientId,
      azpacr: client.secrets.length > 0 ? "1" : "0",
      name: user.displayName,
      oid: user.id,
      preferred_username: user.userPrincipalName,
      rh: randomOpaque(),
      scp: grant.apiScopes.map((scope) => scope.slice(scope.lastIndexOf("/") + 1)).join(" "),
      sub: pairwiseSubject(user.id, apiClientId),
      tid: user.tenantId,
      uti: randomBytes(16).toString("base64url"),
    },
    grant.accessTokenLifetimeSeconds,
  );
}

async function issueIdToken(signing: SigningKeys, origin: string, grant: TokenGrant): Promise<string> {
  const { user, client } = grant;
  const oidc = new Set(grant.oidcScopes);
  const claims: Record<string, unknown> = {
    aud: client.clientId,
    iss: issuerOf(origin, user.tenantId),
    ver: "2.0",
    tid: user.tenantId,
    sub: pairwiseSubject(user.id, client.clientId),
    aio: randomOpaque(),
    rh: randomOpaque(),
    sid: randomUUID(),
    uti: randomBytes(16).toString("base64url"),
  };
  if (oidc.has("profile")) {
    claims.oid = user.id;
    claims.name = user.displayName;
    claims.preferred_username = user.userPrincipalName;
  }
  if (oidc.has("email") && user.mail) claims.email = user.mail;
  if (grant.nonce !== undefined) claims.nonce = grant.nonce;
  return signing.sign(claims, ID_TOKEN_LIFETIME_SECONDS);
}

function randomOpaque(): string {
  return `0.A${randomBytes(24).toString("base64url")}`;
}
