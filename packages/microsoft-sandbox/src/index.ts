export { startSandbox, DEFAULT_DATA_DIR, type Sandbox, type SandboxOptions } from "./sandbox";
export { ensureSandboxCertificates, DEFAULT_TLS_DIR, type SandboxCertificates } from "./tls";
export { Directory, DEFAULT_TENANT_ID, type DirectoryUser, type NewDirectoryUser } from "./directory";
export { SigningKeys, GRAPH_AUDIENCE, type AccessTokenClaims } from "./signing";
export {
  DEMO_CLIENT,
  DEFAULT_IDENTITY_SETTINGS,
  CONSUMERS_TENANT_ID,
  signInThroughAuthorizePage,
  type AuthorizePageResult,
  type IdentityOptions,
  type IdentityService,
  type IdentitySettings,
  type RegisteredClient,
} from "./identity";
export { DEMO_USERS } from "./demo-users";
export type { GraphService, GraphOptions, GraphOptionsInput } from "./graph";
export type { RequestLogEntry } from "./graph/request-log";
