import { API_SCOPE_NAME, type MicrosoftTokenConfig } from "@agenda/api";

/** How the Outlook add-in gets, and this server checks, Microsoft access tokens for the product's API. */
export interface AddinAuthSettings extends MicrosoftTokenConfig {
  /** The Entra app the add-in signs in with (NAA): the product's own registration. */
  clientId: string;
  /** What the add-in asks for: `<Application ID URI>/access_as_user`. */
  apiScope: string;
}

/**
 * The add-in's token settings for an app registration: the Azure app (OUTLOOK_CLIENT_ID, OUTLOOK_TENANT,
 * OUTLOOK_AUTHORITY_HOST, OUTLOOK_API_AUDIENCE), or in demo mode the sandbox's demo app, the sandbox issuing the tokens.
 */
export function addinAuthSettings(app: {
  clientId: string;
  tenant: string;
  authorityHost: string;
  applicationIdUri?: string;
}): AddinAuthSettings {
  const applicationIdUri = app.applicationIdUri ?? `api://${app.clientId}`;
  return {
    clientId: app.clientId,
    authority: `${new URL(app.authorityHost).origin}/${app.tenant}`,
    apiScope: `${applicationIdUri}/${API_SCOPE_NAME}`,
    // v2 tokens carry the client id as audience, v1 tokens the Application ID URI: accept both, nothing else.
    audiences: [app.clientId, applicationIdUri],
  };
}
