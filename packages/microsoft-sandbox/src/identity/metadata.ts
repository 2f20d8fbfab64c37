import { type TenantPath, endpointSegment, issuerTenant } from "./tenants";
import { issuerOf } from "./tokens";

/**
 * The v2.0 OpenID Provider metadata, shaped like `login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration`
 * with the sandbox's origin: on `common` and `organizations` the issuer keeps the `{tenantid}` template, which MSAL
 * and OIDC libraries replace with the token's `tid`.
 */
export function openIdConfiguration(origin: string, tenant: TenantPath) {
  const base = `${origin}/${endpointSegment(tenant)}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: issuerOf(origin, issuerTenant(tenant)),
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: [
      "sub",
      "iss",
      "cloud_instance_name",
      "cloud_instance_host_name",
      "cloud_graph_host_name",
      "msgraph_host",
      "aud",
      "exp",
      "iat",
      "auth_time",
      "acr",
      "nonce",
      "preferred_username",
      "name",
      "tid",
      "ver",
      "at_hash",
      "c_hash",
      "email",
    ],
    tenant_region_scope: null,
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: new URL(origin).host,
    rbac_url: "https://pas.windows.net",
  };
}
