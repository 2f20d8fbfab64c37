import type { DatabaseOrTransaction } from "@agenda/db/client";
import { serviceTokens } from "@agenda/db/schema";
import { and, asc, desc, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { actorOf, recordAudit, type AuditActor } from "./audit";
import { DomainError } from "./errors";
import { hashSecret, newSecret } from "./secrets";
import { isoInstant } from "./time";
import { SERVICE_SCOPES, type ServiceScope } from "./viewer";

/** Service tokens carry this prefix so they are told from platform JWTs without parsing, and spotted in leaks. */
export const SERVICE_TOKEN_PREFIX = "agd_svc_";

export type ServiceToken = typeof serviceTokens.$inferSelect;

/**
 * A token's name is its app's namespace for formations' externalIds (`service:<name>`): a new token of the same name
 * (a rotation) finds that app's formations again. Letters, digits, `.`, `_` and `-`, as apps are named.
 */
export const createServiceTokenInput = z.object({
  name: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "serviceTokenName"),
  scopes: z
    .array(z.enum(SERVICE_SCOPES))
    .max(SERVICE_SCOPES.length * 2)
    .transform((scopes) => [...new Set(scopes)]),
  /** Refused from then on; none: until revoked. */
  expiresAt: isoInstant.refine((instant) => instant.getTime() > Date.now(), "inThePast").optional(),
});
export type CreateServiceTokenInput = z.output<typeof createServiceTokenInput>;

export const serviceTokenIdInput = z.object({ id: z.uuid() });
export const listServiceTokensInput = z.object({ limit: z.int().min(1).max(500).default(200) });

/** A service token as admins see it: never its secret, which only its creation shows. */
export interface ServiceTokenView {
  id: string;
  name: string;
  scopes: string[];
  status: "active" | "expired" | "revoked";
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

function viewOf(row: ServiceToken, now = new Date()): ServiceTokenView {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    status: row.revokedAt ? "revoked" : row.expiresAt && row.expiresAt <= now ? "expired" : "active",
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/**
 * Creates a service token, recorded in the audit log with who asked (unset: the system, for code minting its own).
 * The clear token is returned once and never stored: only its hash is.
 */
export async function createServiceToken(
  db: DatabaseOrTransaction,
  input: { name: string; scopes: ServiceScope[]; expiresAt?: Date | undefined },
  actor: AuditActor = { kind: "system", label: "code" },
): Promise<{ token: string; serviceToken: ServiceToken }> {
  const token = newSecret(SERVICE_TOKEN_PREFIX);
  return db.transaction(async (tx) => {
    const [serviceToken] = await tx
      .insert(serviceTokens)
      .values({
        name: input.name,
        scopes: input.scopes,
        tokenHash: hashSecret(token),
        expiresAt: input.expiresAt ?? null,
      })
      .returning();
    if (!serviceToken) throw new Error("insert returned no row");
    await recordAudit(tx, {
      ...actorOf(actor),
      action: "service_token.created",
      outcome: "success",
      subject: { type: "service_token", id: serviceToken.id, label: serviceToken.name },
      detail: { scopes: serviceToken.scopes, expiresAt: serviceToken.expiresAt?.toISOString() ?? null },
    });
    return { token, serviceToken };
  });
}

/** What an admin gets back from creating a token: the token itself, this once, and its view. */
export async function issueServiceToken(
  db: DatabaseOrTransaction,
  actor: AuditActor,
  input: CreateServiceTokenInput,
): Promise<{ token: string; serviceToken: ServiceTokenView }> {
  const { token, serviceToken } = await createServiceToken(db, input, actor);
  return { token, serviceToken: viewOf(serviceToken) };
}

/** The token behind a clear one, while it is neither revoked nor expired. */
export async function findActiveServiceToken(
  db: DatabaseOrTransaction,
  token: string,
): Promise<ServiceToken | undefined> {
  const [serviceToken] = await db
    .select()
    .from(serviceTokens)
    .where(
      and(
        eq(serviceTokens.tokenHash, hashSecret(token)),
        isNull(serviceTokens.revokedAt),
        or(isNull(serviceTokens.expiresAt), gt(serviceTokens.expiresAt, sql`now()`)),
      ),
    );
  return serviceToken;
}

/** How stale `lastUsedAt` may get: a busy app costs one write a minute, not one per request. */
const LAST_USED_PRECISION_MS = 60_000;

/**
 * Notes that a token was just used. The row was read to authenticate the request, so whether it is due is known
 * without a query; the condition in the update keeps several processes from all writing the same minute.
 */
export async function noteServiceTokenUse(db: DatabaseOrTransaction, serviceToken: ServiceToken): Promise<void> {
  if (serviceToken.lastUsedAt && Date.now() - serviceToken.lastUsedAt.getTime() < LAST_USED_PRECISION_MS) return;
  await db
    .update(serviceTokens)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(serviceTokens.id, serviceToken.id),
        or(
          isNull(serviceTokens.lastUsedAt),
          lt(serviceTokens.lastUsedAt, sql`now() - make_interval(secs => ${LAST_USED_PRECISION_MS / 1000})`),
        ),
      ),
    );
}

/** Every service token, those still usable first, newest first. */
export async function listServiceTokens(
  db: DatabaseOrTransaction,
  input: z.output<typeof listServiceTokensInput>,
): Promise<ServiceTokenView[]> {
  const rows = await db
    .select()
    .from(serviceTokens)
    .orderBy(asc(sql`${serviceTokens.revokedAt} is not null`), desc(serviceTokens.createdAt), asc(serviceTokens.id))
    .limit(input.limit);
  const now = new Date();
  return rows.map((row) => viewOf(row, now));
}

/** Revokes a token: the next request carrying it is refused. Revoking it again changes nothing and records nothing. */
export async function revokeServiceToken(
  db: DatabaseOrTransaction,
  actor: AuditActor,
  id: string,
): Promise<ServiceTokenView> {
  return db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(serviceTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(serviceTokens.id, id), isNull(serviceTokens.revokedAt)))
      .returning();
    if (revoked) {
      await recordAudit(tx, {
        ...actorOf(actor),
        action: "service_token.revoked",
        outcome: "success",
        subject: { type: "service_token", id, label: revoked.name },
      });
      return viewOf(revoked);
    }
    const [existing] = await tx.select().from(serviceTokens).where(eq(serviceTokens.id, id));
    if (!existing) throw new DomainError("SERVICE_TOKEN_NOT_FOUND", { id });
    return viewOf(existing);
  });
}
