import { Hono } from "hono";
import type { Context } from "hono";
import { cors } from "hono/cors";
import type { Directory } from "../directory";
import type { SigningKeys } from "../signing";
import { identityAdmin } from "./admin";
import { authorize } from "./authorize";
import { ClientRegistry, DEMO_CLIENT, type RegisteredClient, redirectUrisMatch } from "./clients";
import type { IdentityDeps } from "./deps";
import { AadstsError, errorBody } from "./errors";
import {
  DEFAULT_IDENTITY_SETTINGS,
  GrantStore,
  type IdentitySettings,
  type IdentityState,
  identitySettingsSchema,
  identityStateSchema,
} from "./grants";
import { openIdConfiguration } from "./metadata";
import { signedOutPage } from "./sign-in-page";
import { type TenantPath, issuerTenant, resolveTenant } from "./tenants";
import { token } from "./token-endpoint";
import { issuerOf } from "./tokens";

export { DEMO_CLIENT, type RegisteredClient } from "./clients";
export { DEFAULT_IDENTITY_SETTINGS, type IdentitySettings, type IdentityState } from "./grants";
export { CONSUMERS_TENANT_ID } from "./tenants";
export { signInThroughAuthorizePage, type AuthorizePageResult } from "./page-driver";

export interface IdentityOptions extends Partial<IdentitySettings> {
  /** App registrations; the demo app alone when omitted. */
  clients?: RegisteredClient[];
}

export interface IdentityService {
  /** Serves `/{tenant}/...`: metadata, keys, authorize, token and logout. Mount at the origin's root. */
  api: Hono;
  /** The identity admin API, to mount at `/admin/api/identity`. */
  admin: Hono;
  settings: IdentitySettings;
  clients: ClientRegistry;
  grants: GrantStore;
  snapshot(): IdentityState;
  restore(state: unknown): void;
  reset(): void;
}

export function createIdentityService(deps: {
  directory: Directory;
  signing: SigningKeys;
  origin(): string;
  options?: IdentityOptions;
}): IdentityService {
  const { clients: clientOptions, ...settingOptions } = deps.options ?? {};
  const settings = identitySettingsSchema.parse({ ...DEFAULT_IDENTITY_SETTINGS, ...settingOptions });
  const grants = new GrantStore(settings);
  const clients = new ClientRegistry(clientOptions ?? [DEMO_CLIENT]);
  const shared: IdentityDeps = {
    directory: deps.directory,
    signing: deps.signing,
    clients,
    grants,
    origin: deps.origin,
  };

  const api = new Hono();
  const withTenant = (c: Context, respond: (tenant: TenantPath) => Response | Promise<Response>) => {
    try {
      return respond(resolveTenant(c.req.param("tenant") ?? "", deps.directory));
    } catch (error) {
      if (!(error instanceof AadstsError)) throw error;
      return c.json(errorBody(error, c.req.header("client-request-id")), error.status);
    }
  };
  // Browsers read the metadata and keys from any origin, and single-page apps redeem their codes here (the token
  // endpoint's own rules then say which redemptions a browser may make), as at Microsoft.
  const publicDocument = cors({ origin: "*", allowMethods: ["GET", "OPTIONS"] });
  api.use("/:tenant/v2.0/.well-known/openid-configuration", publicDocument);
  api.use("/:tenant/.well-known/openid-configuration", publicDocument);
  api.use("/:tenant/discovery/v2.0/keys", publicDocument);
  api.use(
    "/:tenant/oauth2/v2.0/token",
    cors({ origin: (origin) => origin, allowMethods: ["POST", "OPTIONS"], maxAge: 86_400 }),
  );
  const metadata = (c: Context) => withTenant(c, (tenant) => c.json(openIdConfiguration(deps.origin(), tenant)));
  // MSAL's AAD protocol mode reads the first path, its OIDC mode (and generic OIDC libraries) the second.
  api.get("/:tenant/v2.0/.well-known/openid-configuration", metadata);
  api.get("/:tenant/.well-known/openid-configuration", metadata);
  api.get("/:tenant/discovery/v2.0/keys", (c) =>
    withTenant(c, (tenant) => {
      const issuer = issuerOf(deps.origin(), issuerTenant(tenant));
      return c.json({ keys: deps.signing.jwks().keys.map((key) => ({ ...key, issuer })) });
    }),
  );
  api.on(["GET", "POST"], "/:tenant/oauth2/v2.0/authorize", (c) => authorize(c, shared));
  api.post("/:tenant/oauth2/v2.0/token", (c) => token(c, shared));
  api.get("/:tenant/oauth2/v2.0/logout", (c) =>
    withTenant(c, () => {
      // Microsoft signs the browser out, then returns only to a redirect URI registered on some app.
      const target = c.req.query("post_logout_redirect_uri");
      const registered =
        target !== undefined &&
        clients.list().some((client) => client.redirectUris.some((uri) => redirectUrisMatch(uri, target)));
      return registered ? c.redirect(target, 302) : c.html(signedOutPage());
    }),
  );

  return {
    api,
    admin: identityAdmin(shared),
    settings,
    clients,
    grants,
    snapshot: () => grants.snapshot(),
    restore: (state) => grants.restore(identityStateSchema.parse(state)),
    reset: () => grants.reset(),
  };
}
