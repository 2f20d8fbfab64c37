/** Who a domain operation runs for: a platform user, or another internal app holding a service token. */
export type Viewer =
  | { kind: "user"; userId: string; role: "learner" | "trainer" | "admin" }
  | { kind: "service"; serviceTokenId: string; serviceName: string; scopes: readonly string[] };

export const SERVICE_SCOPES = ["formations:read", "formations:write", "users:write"] as const;
export type ServiceScope = (typeof SERVICE_SCOPES)[number];

export function hasServiceScope(viewer: Viewer, scope: ServiceScope): boolean {
  return viewer.kind === "service" && viewer.scopes.includes(scope);
}
