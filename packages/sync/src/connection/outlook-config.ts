import type { Database } from "@agenda/db/client";
import { MicrosoftIdentity } from "@agenda/graph/microsoft-identity";
import { z } from "zod";
import type { Logger } from "@agenda/observability/logger";
import { OutlookServices } from "./outlook-services";
import { createTokenVault, parseVaultKey, type VaultKey } from "./token-vault";

const MICROSOFT_AUTHORITY_HOST = "https://login.microsoftonline.com";
const MICROSOFT_GRAPH_ORIGIN = "https://graph.microsoft.com";

const vaultKey = z.string().transform((text, ctx) => {
  try {
    return parseVaultKey(text);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});

/**
 * The environment variables about Microsoft, shared by every process that talks to it (server, workers): each app
 * spreads this into its own env schema.
 */
export const outlookEnvironment = {
  OUTLOOK_CLIENT_ID: z.string().min(1).optional(),
  OUTLOOK_CLIENT_SECRET: z.string().min(1).optional(),
  OUTLOOK_REDIRECT_URI: z.url({ protocol: /^https?$/ }).optional(),
  OUTLOOK_TENANT: z.string().min(1).default("common"),
  /** Microsoft's identity platform; another host (the sandbox) is trusted offline through MSAL's knownAuthorities. */
  OUTLOOK_AUTHORITY_HOST: z.url({ protocol: /^https$/ }).default(MICROSOFT_AUTHORITY_HOST),
  GRAPH_ORIGIN: z.url({ protocol: /^https$/ }).default(MICROSOFT_GRAPH_ORIGIN),
  /**
   * The Outlook add-in's manifest `Id` when a deployment generates its own (`npm run manifest -- --id`): exported
   * formations carry the add-in's custom property under it. Default: the committed manifest's.
   */
  OUTLOOK_ADDIN_ID: z.uuid().optional(),
  TOKEN_ENCRYPTION_KEY: vaultKey.optional(),
  TOKEN_ENCRYPTION_KEYS: z
    .string()
    .transform((list) =>
      list
        .split(",")
        .map((key) => key.trim())
        .filter(Boolean),
    )
    .pipe(z.array(vaultKey))
    .optional(),
};

export interface OutlookConfig {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  tenant: string;
  authorityHost: string;
  graphOrigin: string;
  vaultKey: VaultKey;
  formerVaultKeys: VaultKey[];
}

/** The product's link to Microsoft (or to a sandbox standing in for it). */
export function createOutlookServices(db: Database, config: OutlookConfig, logger?: Logger): OutlookServices {
  const authority = new URL(config.authorityHost);
  const identity = new MicrosoftIdentity({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authority: `${authority.origin}/${config.tenant}`,
    knownAuthorities: authority.origin === MICROSOFT_AUTHORITY_HOST ? undefined : [authority.host],
    redirectUri: config.redirectUri,
  });
  return new OutlookServices(
    db,
    identity,
    createTokenVault(config.vaultKey, config.formerVaultKeys),
    new URL(config.graphOrigin).origin,
    logger,
  );
}
