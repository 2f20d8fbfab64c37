import type { Database } from "@agenda/db/client";
import {
  SERVICE_TOKEN_PREFIX,
  findActiveServiceToken,
  noteServiceTokenUse,
  type ServiceToken,
} from "@agenda/domain/service-tokens";
import { redeemStreamTicket } from "@agenda/domain/stream-tickets";
import { ianaTimeZone } from "@agenda/domain/time";
import { ensureUser, type User } from "@agenda/domain/users";
import { SignJWT, createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import {
  findUserByMicrosoftAccount,
  looksLikeMicrosoftToken,
  type MicrosoftTokenFailure,
  type MicrosoftTokenVerifier,
} from "./microsoft-tokens";

/** How platform session tokens are verified: a shared HS256 secret, or the platform's JWKS. */
export interface PlatformTokenConfig {
  secret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** The longest a session token may live (its `exp` after its `iat`, or after now without `iat`); 24 h by default. */
  maxLifetimeSeconds?: number;
}

export const DEFAULT_SESSION_MAX_LIFETIME_SECONDS = 24 * 3600;

/**
 * Who is calling. A person's `tokenExpiresAt` is when the credential they called with expires; streams end then.
 * Every credential ends at a known time: platform sessions carry `exp`, Microsoft tokens too.
 */
export type Caller =
  { kind: "user"; user: User; tokenExpiresAt: Date } | { kind: "service"; serviceToken: ServiceToken };

/** A stream ticket's holder: they may open that one stream, and nothing else. */
export interface StreamCaller {
  user: User;
  purpose: string;
  tokenExpiresAt: Date;
}

/**
 * Why a request carrying credentials was not authenticated (each a 401 of its own, or a 503 when the keys to check
 * it could not be reached); requests carrying none are simply anonymous.
 */
export type AuthFailure =
  | "TOKEN_INVALID"
  | "SESSION_EXPIRED"
  | "SESSION_LIFETIME_INVALID"
  | "USER_DEACTIVATED"
  | "PLATFORM_KEYS_UNAVAILABLE"
  | "OUTLOOK_UNAVAILABLE"
  | MicrosoftTokenFailure;

const sessionClaims = z.object({
  sub: z.string().min(1).max(128),
  email: z.email().max(320),
  name: z.string().min(1).max(255),
  role: z.enum(["learner", "trainer", "admin"]),
  locale: z.enum(["fr", "en"]).optional(),
  // A zone the platform spells in a way we do not know is left out, not fatal: the profile keeps its zone.
  zoneinfo: ianaTimeZone.optional().catch(undefined),
  exp: z.number(),
  iat: z.number().optional(),
});
export type SessionClaims = z.output<typeof sessionClaims>;

export interface Authenticator {
  /** The caller an `Authorization` header names. */
  authenticate(db: Database, authorization: string | null | undefined): Promise<Caller | AuthFailure | null>;
  /** The holder of a stream ticket (single use: a second redemption fails). */
  redeemStreamTicket(db: Database, ticket: string): Promise<StreamCaller | AuthFailure>;
}

/** Keys or metadata that could not be fetched: the platform's or Microsoft's trouble, not the token's. */
function isKeysUnavailable(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true;
  return (
    error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error.code === "ERR_JOSE_GENERIC"
  );
}

/**
 * Authenticates platform sessions and service tokens, and, given `microsoft`, Microsoft access tokens for this API
 * (the Outlook add-in's, obtained through NAA) for the user who connected that Microsoft account. Roles come from
 * platform sessions only; a person the platform deactivated is refused whatever credential they present.
 */
export function createAuthenticator(config: PlatformTokenConfig, microsoft?: MicrosoftTokenVerifier): Authenticator {
  const secret = config.secret ? new TextEncoder().encode(config.secret) : undefined;
  const jwks: JWTVerifyGetKey | undefined = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : undefined;
  if (!secret && !jwks) throw new Error("platform tokens need a secret or a JWKS URL");
  const maxLifetimeSeconds = config.maxLifetimeSeconds ?? DEFAULT_SESSION_MAX_LIFETIME_SECONDS;

  async function verifySession(token: string): Promise<SessionClaims | AuthFailure> {
    const options = { issuer: config.issuer, audience: config.audience, requiredClaims: ["exp"] };
    try {
      const { payload } = secret
        ? await jwtVerify(token, secret, { ...options, algorithms: ["HS256"] })
        : await jwtVerify(token, jwks as JWTVerifyGetKey, options);
      const claims = sessionClaims.safeParse(payload);
      if (!claims.success) return "TOKEN_INVALID";
      const issuedAt = claims.data.iat ?? Date.now() / 1000;
      return claims.data.exp - issuedAt > maxLifetimeSeconds ? "SESSION_LIFETIME_INVALID" : claims.data;
    } catch (error) {
      if (error instanceof errors.JWTExpired) return "SESSION_EXPIRED";
      if (error instanceof errors.JWTClaimValidationFailed && error.claim === "exp") return "SESSION_LIFETIME_INVALID";
      if (jwks && isKeysUnavailable(error)) return "PLATFORM_KEYS_UNAVAILABLE";
      return "TOKEN_INVALID";
    }
  }

  async function authenticateMicrosoft(db: Database, token: string): Promise<Caller | AuthFailure> {
    if (!microsoft) return "TOKEN_INVALID";
    const account = await microsoft.verify(token);
    if (typeof account === "string") return account;
    const user = await findUserByMicrosoftAccount(db, account);
    if (!user) return "MICROSOFT_ACCOUNT_UNKNOWN";
    return user.deactivatedAt ? "USER_DEACTIVATED" : { kind: "user", user, tokenExpiresAt: account.expiresAt };
  }

  return {
    async authenticate(db, authorization) {
      if (!authorization) return null;
      const match = /^Bearer\s+(\S{1,8192})$/i.exec(authorization.trim());
      if (!match?.[1]) return "TOKEN_INVALID";
      const token = match[1];
      if (token.startsWith(SERVICE_TOKEN_PREFIX)) {
        // Read on every request, never cached: a revoked or expired token is refused from the next request on.
        const serviceToken = await findActiveServiceToken(db, token);
        if (!serviceToken) return "TOKEN_INVALID";
        await noteServiceTokenUse(db, serviceToken);
        return { kind: "service", serviceToken };
      }
      if (looksLikeMicrosoftToken(token)) return authenticateMicrosoft(db, token);
      const claims = await verifySession(token);
      if (typeof claims === "string") return claims;
      const user = await ensureUser(db, {
        platformUserId: claims.sub,
        email: claims.email,
        name: claims.name,
        role: claims.role,
        locale: claims.locale,
        timeZone: claims.zoneinfo,
      });
      return user.deactivatedAt
        ? "USER_DEACTIVATED"
        : { kind: "user", user, tokenExpiresAt: new Date(claims.exp * 1000) };
    },

    async redeemStreamTicket(db, ticket) {
      const redeemed = await redeemStreamTicket(db, ticket);
      if (!redeemed) return "TOKEN_INVALID";
      if (redeemed.user.deactivatedAt) return "USER_DEACTIVATED";
      return { user: redeemed.user, purpose: redeemed.purpose, tokenExpiresAt: redeemed.sessionExpiresAt };
    },
  };
}

/** Signs a platform-shaped session token: used by demo sign-in, where this product stands in for the platform. */
export async function signSessionToken(
  secret: string,
  user: User,
  options: { issuer?: string; audience?: string; lifetimeSeconds?: number } = {},
): Promise<string> {
  const jwt = new SignJWT({
    email: user.email,
    name: user.name,
    role: user.role,
    locale: user.locale,
    zoneinfo: user.timeZone,
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(user.platformUserId)
    .setIssuedAt()
    .setExpirationTime(`${options.lifetimeSeconds ?? 12 * 3600}s`);
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (options.audience) jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
