import type { DatabaseOrTransaction } from "@agenda/db/client";
import { calendarIntegrations, users } from "@agenda/db/schema";
import type { User } from "@agenda/domain/users";
import { and, eq, ne } from "drizzle-orm";
import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTVerifyGetKey } from "jose";
import { z } from "zod";

/** The delegated scope the product's API exposes (Entra "Expose an API"): the Outlook add-in asks for it through NAA. */
export const API_SCOPE_NAME = "access_as_user";

/** Why a Microsoft access token for the product's API was refused; each is its own error code, in fr/en. */
export type MicrosoftTokenFailure =
  | "MICROSOFT_TOKEN_EXPIRED"
  | "MICROSOFT_TOKEN_SIGNATURE"
  | "MICROSOFT_TOKEN_ISSUER"
  | "MICROSOFT_TOKEN_AUDIENCE"
  | "MICROSOFT_TOKEN_SCOPE"
  | "MICROSOFT_ACCOUNT_UNKNOWN";

export interface MicrosoftTokenConfig {
  /**
   * The authority whose v2.0 OpenID metadata names the signing keys and the issuer: `https://login.microsoftonline.com/
   * {tenant | organizations | common}`, or the sandbox's. On `common`/`organizations` the issuer is a `{tenantid}`
   * template, filled with the token's own `tid`.
   */
  authority: string;
  /** Accepted `aud` values: the API's client id (v2 tokens) and its Application ID URI `api://<clientId>` (v1 tokens). */
  audiences: readonly string[];
}

/** The Microsoft account a valid token speaks for: the key of `calendar_integrations` (msTenantId, msObjectId). */
export interface MicrosoftAccount {
  tenantId: string;
  objectId: string;
}

export interface MicrosoftTokenVerifier {
  /**
   * The account, why the token is refused, TOKEN_INVALID when it is not even a well-formed signed JWT, or
   * OUTLOOK_UNAVAILABLE when Microsoft's keys could not be fetched to check it. Never throws.
   */
  verify(
    token: string,
  ): Promise<
    | (MicrosoftAccount & { expiresAt: Date })
    | Exclude<MicrosoftTokenFailure, "MICROSOFT_ACCOUNT_UNKNOWN">
    | "TOKEN_INVALID"
    | "OUTLOOK_UNAVAILABLE"
  >;
}

const metadataSchema = z.object({ issuer: z.string().min(1), jwks_uri: z.url() });
const accountClaims = z.object({ tid: z.string().min(1), oid: z.string().min(1), scp: z.string().optional() });

/**
 * Whether a bearer token is a Microsoft access token rather than a platform session: Microsoft's carry the tenant
 * and object ids, which platform sessions never do. Only routes the token; nothing is trusted before `verify`.
 */
export function looksLikeMicrosoftToken(token: string): boolean {
  try {
    return accountClaims.safeParse(decodeJwt(token)).success;
  } catch {
    return false;
  }
}

/**
 * Verifies Microsoft access tokens for the product's API as Entra's access-token guidance says: RS256 signature
 * against the authority's JWKS (fetched from its metadata once, keys cached and re-fetched on an unknown `kid` by
 * jose, which follows key rotation), the per-tenant v2 issuer, the audience, expiry and the `access_as_user` scope.
 */
export function createMicrosoftTokenVerifier(config: MicrosoftTokenConfig): MicrosoftTokenVerifier {
  let metadata: Promise<{ issuer: string; jwks: JWTVerifyGetKey }> | undefined;
  const loadMetadata = () => {
    metadata ??= fetchMetadata(config.authority).catch((error: unknown) => {
      // A failed fetch is retried by the next request instead of being remembered.
      metadata = undefined;
      throw error;
    });
    return metadata;
  };

  return {
    async verify(token) {
      const unverified = accountClaims.safeParse(decodeJwtOrNull(token));
      if (!unverified.success) return "TOKEN_INVALID";
      try {
        const { issuer, jwks } = await loadMetadata();
        const { payload } = await jwtVerify(token, jwks, {
          algorithms: ["RS256"],
          issuer: issuer.replace("{tenantid}", unverified.data.tid),
          audience: [...config.audiences],
          requiredClaims: ["exp"],
        });
        const claims = accountClaims.safeParse(payload);
        if (!claims.success || typeof payload.exp !== "number") return "TOKEN_INVALID";
        if (!(claims.data.scp ?? "").split(" ").includes(API_SCOPE_NAME)) return "MICROSOFT_TOKEN_SCOPE";
        return { tenantId: claims.data.tid, objectId: claims.data.oid, expiresAt: new Date(payload.exp * 1000) };
      } catch (error) {
        return failureOf(error);
      }
    },
  };
}

function decodeJwtOrNull(token: string): unknown {
  try {
    return decodeJwt(token);
  } catch {
    return null;
  }
}

async function fetchMetadata(authority: string): Promise<{ issuer: string; jwks: JWTVerifyGetKey }> {
  const url = `${authority.replace(/\/$/, "")}/v2.0/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`Microsoft's OpenID metadata (${url}) answered ${response.status}`);
  const metadata = metadataSchema.parse(await response.json());
  return { issuer: metadata.issuer, jwks: createRemoteJWKSet(new URL(metadata.jwks_uri)) };
}

/**
 * Names what jose refused. Keys or metadata that could not be fetched (network, timeout, a broken answer) are
 * Microsoft's trouble, not the token's: OUTLOOK_UNAVAILABLE, a 503 the caller may retry.
 */
function failureOf(
  error: unknown,
):
  | Exclude<MicrosoftTokenFailure, "MICROSOFT_ACCOUNT_UNKNOWN" | "MICROSOFT_TOKEN_SCOPE">
  | "TOKEN_INVALID"
  | "OUTLOOK_UNAVAILABLE" {
  if (error instanceof errors.JWTExpired) return "MICROSOFT_TOKEN_EXPIRED";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "iss") return "MICROSOFT_TOKEN_ISSUER";
    if (error.claim === "aud") return "MICROSOFT_TOKEN_AUDIENCE";
    return "TOKEN_INVALID";
  }
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys ||
    error instanceof errors.JOSEAlgNotAllowed
  ) {
    return "MICROSOFT_TOKEN_SIGNATURE";
  }
  if (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    !(error instanceof errors.JOSEError) ||
    error.code === "ERR_JOSE_GENERIC"
  ) {
    return "OUTLOOK_UNAVAILABLE";
  }
  return "TOKEN_INVALID";
}

/** The platform user who connected this Microsoft account to Agenda (a disconnected integration no longer counts). */
export async function findUserByMicrosoftAccount(
  db: DatabaseOrTransaction,
  account: MicrosoftAccount,
): Promise<User | undefined> {
  const [row] = await db
    .select({ user: users })
    .from(calendarIntegrations)
    .innerJoin(users, eq(users.id, calendarIntegrations.userId))
    .where(
      and(
        eq(calendarIntegrations.msTenantId, account.tenantId),
        eq(calendarIntegrations.msObjectId, account.objectId),
        ne(calendarIntegrations.status, "disconnected"),
      ),
    )
    .limit(1);
  return row?.user;
}
