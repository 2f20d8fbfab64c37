import { createHash, randomBytes } from "node:crypto";
import type { DatabaseOrTransaction } from "@agenda/db/client";
import { serviceTokens } from "@agenda/db/schema";
import { and, eq, isNull } from "drizzle-orm";
import type { ServiceScope } from "./viewer";

/** Service tokens carry this prefix so they are told from platform JWTs without parsing, and spotted in leaks. */
export const SERVICE_TOKEN_PREFIX = "agd_svc_";

export type ServiceToken = typeof serviceTokens.$inferSelect;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Creates a service token; the clear token is returned once and never stored. */
export async function createServiceToken(
  db: DatabaseOrTransaction,
  input: { name: string; scopes: ServiceScope[] },
): Promise<{ token: string; serviceToken: ServiceToken }> {
  const token = SERVICE_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const [serviceToken] = await db
    .insert(serviceTokens)
    .values({ name: input.name, scopes: input.scopes, tokenHash: hashToken(token) })
    .returning();
  if (!serviceToken) throw new Error("insert returned no row");
  return { token, serviceToken };
}

export async function findActiveServiceToken(db: DatabaseOrTransaction, token: string): Promise<ServiceToken | undefined> {
  const [serviceToken] = await db
    .select()
    .from(serviceTokens)
    .where(and(eq(serviceTokens.tokenHash, hashToken(token)), isNull(serviceTokens.revokedAt)));
  return serviceToken;
}
