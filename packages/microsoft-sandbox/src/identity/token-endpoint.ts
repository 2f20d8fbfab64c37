import type { Context } from "hono";
import type { DirectoryUser } from "../directory";
import {
  type PresentedCredentials,
  type RegisteredClient,
  authenticateClient,
  isSpaRedirectUri,
  presentedCredentials,
} from "./clients";
import type { IdentityDeps } from "./deps";
import { AadstsError, errorBody, missingParameter } from "./errors";
import { type ScopeRequest, parseScopes, splitScopeNames } from "./scopes";
import { resolveTenant } from "./tenants";
import { type TokenResponse, issueTokens } from "./tokens";

/** `POST /{tenant}/oauth2/v2.0/token`: the authorization-code and refresh-token grants. */
export async function token(c: Context, deps: IdentityDeps): Promise<Response> {
  // Microsoft never lets a token response be cached by a browser or a proxy.
  c.header("Cache-Control", "no-store, no-cache");
  c.header("Pragma", "no-cache");
  try {
    const body = await exchange(c, deps);
    return c.json(body, 200);
  } catch (error) {
    if (!(error instanceof AadstsError)) throw error;
    const body = errorBody(error, c.req.header("client-request-id"));
    c.header("x-ms-request-id", body.trace_id);
    return c.json(body, error.status);
  }
}

async function exchange(c: Context, deps: IdentityDeps): Promise<TokenResponse> {
  const tenant = resolveTenant(c.req.param("tenant") ?? "", deps.directory);
  const isForm = (c.req.header("content-type") ?? "").includes("application/x-www-form-urlencoded");
  const form = isForm ? new URLSearchParams(await c.req.text()) : new URLSearchParams();
  const grantType = form.get("grant_type");
  if (!grantType) throw missingParameter("grant_type");
  const credentials = presentedCredentials(form, c.req.header("authorization"));
  if (!credentials.clientId) throw missingParameter("client_id");
  const client = deps.clients.require(credentials.clientId, tenant.segment);
  const origin = c.req.header("origin");
  const spa =
    grantType === "authorization_code"
      ? isSpaRedirectUri(client, form.get("redirect_uri") ?? undefined)
      : deps.grants.refreshTokenIsSpa(form.get("refresh_token") ?? "");
  authenticateBrowserOrClient(client, credentials, { spa, origin });
  const issue = (user: DirectoryUser, scopes: ScopeRequest, refreshToken: string | undefined, nonce?: string) =>
    issueTokens(deps.signing, deps.origin(), {
      user,
      client,
      graphScopes: scopes.graph,
      apiScopes: scopes.api,
      oidcScopes: scopes.oidc,
      nonce,
      accessTokenLifetimeSeconds: deps.grants.settings.accessTokenLifetimeSeconds,
      refreshToken,
      wantsClientInfo: form.get("client_info") === "1",
    });

  if (grantType === "authorization_code") {
    const codeValue = form.get("code");
    if (!codeValue) throw missingParameter("code");
    const code = deps.grants.redeemCode(codeValue, {
      clientId: client.clientId,
      redirectUri: form.get("redirect_uri") ?? undefined,
      codeVerifier: form.get("code_verifier") ?? undefined,
      crossOrigin: origin !== undefined,
    });
    const user = requireUser(deps, code.userId);
    const scopes = splitScopeNames(code.scopes);
    const refreshToken = scopes.oidc.includes("offline_access")
      ? deps.grants.issueRefreshToken({
          userId: user.id,
          clientId: client.clientId,
          scopes: code.scopes,
          grantIssuedAt: code.issuedAt,
          spa,
        })
      : undefined;
    return issue(user, scopes, refreshToken, code.nonce);
  }

  if (grantType === "refresh_token") {
    const presented = form.get("refresh_token");
    if (!presented) throw missingParameter("refresh_token");
    const record = deps.grants.useRefreshToken(presented, client.clientId);
    const user = requireUser(deps, record.userId);
    const scopes = refreshedScopes(
      form.get("scope"),
      record.scopes,
      client,
      tenant.segment,
      deps.clients.exposedApis(),
    );
    const refreshToken = deps.grants.issueRefreshToken({
      userId: user.id,
      clientId: client.clientId,
      scopes: record.scopes,
      grantIssuedAt: record.grantIssuedAt,
      spa,
    });
    return issue(user, scopes, refreshToken);
  }

  throw new AadstsError("unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grantType}'.`);
}

/**
 * Microsoft's rules for single-page applications: a grant of an SPA redirect URI is redeemed by the browser
 * (cross-origin, so with an `Origin`) and needs no secret, PKCE standing in for it; a browser may redeem nothing
 * else. Other grants authenticate the confidential client as usual.
 */
function authenticateBrowserOrClient(
  client: RegisteredClient,
  credentials: PresentedCredentials,
  request: { spa: boolean; origin: string | undefined },
): void {
  if (request.origin !== undefined && !request.spa) {
    throw new AadstsError(
      "invalid_request",
      9002326,
      `Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type. Request origin: '${request.origin}'.`,
    );
  }
  if (request.origin === undefined && request.spa) {
    throw new AadstsError(
      "invalid_request",
      9002327,
      "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.",
    );
  }
  if (!request.spa) authenticateClient(client, credentials);
}

/**
 * The scopes of a refreshed token: those asked for now, which the grant must cover (else Microsoft answers
 * AADSTS65001, a consent the user never gave), or all of the grant's when `scope` is absent.
 */
function refreshedScopes(
  requested: string | null,
  granted: readonly string[],
  client: RegisteredClient,
  tenant: string,
  exposedApis: readonly string[],
): ScopeRequest {
  if (!requested) return splitScopeNames(granted);
  const scopes = parseScopes(requested, client.permissions, tenant, exposedApis);
  const missing = [...scopes.graph, ...scopes.api].filter((scope) => !granted.includes(scope));
  if (missing.length > 0) {
    throw new AadstsError(
      "invalid_grant",
      65001,
      `The user or administrator has not consented to use the application with ID '${client.clientId}' named '${client.displayName}'. Send an interactive authorization request for this user and resource.`,
      "consent_required",
    );
  }
  return { graph: scopes.graph, api: scopes.api, oidc: scopes.oidc.filter((scope) => granted.includes(scope)) };
}

function requireUser(deps: IdentityDeps, userId: string): DirectoryUser {
  const user = deps.directory.find(userId);
  if (user) return user;
  throw new AadstsError(
    "invalid_grant",
    50034,
    "The user account {EmailHidden} does not exist in the directory. To sign into this application, the account must be added to the directory.",
  );
}
