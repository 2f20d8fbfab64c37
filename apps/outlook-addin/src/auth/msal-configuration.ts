import type { Configuration } from "@azure/msal-browser";
import type { AddinConfig } from "./api-token";

/** Microsoft's sign-in hosts (public and national clouds), which MSAL knows; any other authority must be declared. */
const MICROSOFT_AUTHORITY_HOSTS = [
  "login.microsoftonline.com",
  "login.microsoftonline.us",
  "login.chinacloudapi.cn",
  "login.partner.microsoftonline.cn",
];

/**
 * MSAL's configuration for the server's Entra app. An authority MSAL does not know (the Microsoft sandbox in demo
 * mode) goes in `knownAuthorities`, so MSAL trusts its metadata instead of asking Microsoft's instance discovery.
 */
export function msalConfiguration(config: AddinConfig, redirectUri?: string): Configuration {
  const authorityHost = config.authority ? new URL(config.authority).host : undefined;
  return {
    auth: {
      clientId: config.clientId ?? "",
      ...(config.authority ? { authority: config.authority } : {}),
      ...(authorityHost && !MICROSOFT_AUTHORITY_HOSTS.includes(authorityHost)
        ? { knownAuthorities: [authorityHost] }
        : {}),
      ...(redirectUri ? { redirectUri } : {}),
    },
    cache: { cacheLocation: "localStorage" },
  };
}
