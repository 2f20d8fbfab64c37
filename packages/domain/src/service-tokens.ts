import type { DatabaseOrTransaction } from "@agenda/db/client";
import { serviceTokens } from "@agenda/db/schema";
import { and, eq, isNull } from "drizzle-orm";
import { hashSecret, newSecret } from "./secrets";
import type { ServiceScope } from "./viewer";

/** Service tokens carry this prefix so they are told from platform JWTs without parsing, and spotted in leaks. */
export const SERVICE_TOKEN_PREFIX = "agd_svc_";

export type ServiceToken = typeof serviceTokens.$inferSelect;

/** Creates a service token; the clear token is returned once and never stored. */
export async function createServiceToken(
  db: DatabaseOrTransaction,
  input: { name: string; scopes: ServiceScope[] },
): Promise<{ token: string; serviceToken: ServiceToken }> {
  const token = newSecret(SERVICE_TOKEN_PREFIX);
  const [serviceToken] = await db
    .insert(serviceTokens)
    .values({ name: input.name, scopes: input.scopes, tokenHash: hashSecret(token) })
    .returning();
  if (!serviceToken) throw new Error("insert returned no row");
  return { token, serviceToken };
}

export async function findActiveServiceToken(db: DatabaseOrTransaction, token: string): Promise<ServiceToken | undefined> {
  const [serviceToken] = await db
    .select()
    .from(serviceTokens)
    .where(and(eq(serviceTokens.tokenHash, hashSecret(token)), isNull(serviceTokens.revokedAt)));
  return serviceToken;
}
