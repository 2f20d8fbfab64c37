import { DEFAULT_TENANT_ID, type Directory, type DirectoryUser } from "../directory";
import { AadstsError } from "./errors";

/** The tenant of personal Microsoft accounts (id-token-claims-reference.md, `tid`). */
export const CONSUMERS_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The `{tenant}` path segment of an identity-platform URL, resolved. `common` and `organizations` stay
 * multi-tenant (their metadata carries the `{tenantid}` issuer template); a domain name resolves to its tenant id,
 * as login.microsoftonline.com does in the metadata it serves for `/{domain}`.
 */
export type TenantPath =
  | { kind: "common"; segment: "common" }
  | { kind: "organizations"; segment: "organizations" }
  | { kind: "tenant"; segment: string; tenantId: string };

export function resolveTenant(segment: string, directory: Directory): TenantPath {
  const lower = segment.toLowerCase();
  if (lower === "common") return { kind: "common", segment: "common" };
  if (lower === "organizations") return { kind: "organizations", segment: "organizations" };
  if (lower === "consumers") return { kind: "tenant", segment: lower, tenantId: CONSUMERS_TENANT_ID };
  const tenantId = GUID.test(segment) ? knownTenantId(lower, directory) : tenantIdOfDomain(lower, directory);
  if (tenantId) return { kind: "tenant", segment: lower, tenantId };
  throw new AadstsError(
    "invalid_tenant",
    90002,
    `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  );
}

function knownTenantId(tenantId: string, directory: Directory): string | undefined {
  if (tenantId === DEFAULT_TENANT_ID || tenantId === CONSUMERS_TENANT_ID) return tenantId;
  return directory.list().some((user) => user.tenantId === tenantId) ? tenantId : undefined;
}

function tenantIdOfDomain(domain: string, directory: Directory): string | undefined {
  return directory.list().find((user) => user.userPrincipalName.toLowerCase().endsWith(`@${domain}`))?.tenantId;
}

/** Whether `user` may sign in through this tenant path (`consumers` admits personal accounts only). */
export function admitsUser(tenant: TenantPath, user: DirectoryUser): boolean {
  if (tenant.kind === "common") return true;
  if (tenant.kind === "organizations") return user.tenantId !== CONSUMERS_TENANT_ID;
  return user.tenantId === tenant.tenantId;
}

/** The tenant id that replaces `{tenantid}` in the issuer when the path names one tenant. */
export function issuerTenant(tenant: TenantPath): string {
  return tenant.kind === "tenant" ? tenant.tenantId : "{tenantid}";
}

/** The path segment Microsoft's metadata puts in endpoint URLs: a resolved tenant id for domains and GUIDs. */
export function endpointSegment(tenant: TenantPath): string {
  return tenant.kind === "tenant" && tenant.segment !== "consumers" ? tenant.tenantId : tenant.segment;
}
