import type { Database } from "@agenda/db/client";
import { SERVICE_TOKEN_PREFIX, findActiveServiceToken, type ServiceToken } from "@agenda/domain/service-tokens";
import { ensureUser, type User } from "@agenda/domain/users";
import { SignJWT, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import { findUserByMicrosoftAccount, looksLikeMicrosoftToken, type MicrosoftTokenFailure, type MicrosoftTokenVerifier } from "./microsoft-tokens";

/** How platform session tokens are verified: a shared HS256 secret, or the platform's JWKS. */
export interface PlatformTokenConfig {
  secret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

/** A person's `tokenExpiresAt` is when the token they called with expires (null: it never does); streams end then. */
export type Caller = { kind: "user"; user: User; tokenExpiresAt: Date | null } | { kind: "service"; serviceToken: ServiceToken };

/** Why a request carrying credentials was not authenticated; requests carrying none are simply anonymous. */
export type AuthFailure = "TOKEN_INVALID" | MicrosoftTokenFailure;

const sessionClaims = z.object({
  sub: z.string().min(1).max(128),
  email: z.email(),
  name: z.string().min(1).max(255),
  role: z.enum(["learner", "trainer", "admin"]),
  locale: z.enum(["fr", "en"]).optional(),
  zoneinfo: z.string().max(64).optional(),
});
export type SessionClaims = z.output<typeof sessionClaims>;

export interface Authenticator {
  authenticate(db: Database, authorization: string | null | undefined): Promise<Caller | AuthFailure | null>;
}

/**
 * Authenticates platform sessions and service tokens, and, given `microsoft`, Microsoft access tokens for this API
 * (the Outlook add-in's, obtained through NAA) for the user who connected that Microsoft account.
 */
export function createAuthenticator(config: PlatformTokenConfig, microsoft?: MicrosoftTokenVerifier): Authenticator {
  const secret = config.secret ? new TextEncoder().encode(config.secret) : undefined;
  const jwks: JWTVerifyGetKey | undefined = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : undefined;
  if (!secret && !jwks) throw new Error("platform tokens need a secret or a JWKS URL");

  async function verifySession(token: string): Promise<{ claims: SessionClaims; expiresAt: Date | null } | undefined> {
    const options = { issuer: config.issuer, audience: config.audience };
    try {
      const { payload } = secret
        ? await jwtVerify(token, secret, { ...options, algorithms: ["HS256"] })
        : await jwtVerify(token, jwks as JWTVerifyGetKey, options);
      const claims = sessionClaims.safeParse(payload);
      return claims.success ? { claims: claims.data, expiresAt: expiryOf(payload.exp) } : undefined;
    } catch {
      return undefined;
    }
  }

  return {
    async authenticate(db, authorization) {
      if (!authorization) return null;
      const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
      if (!match?.[1]) return "TOKEN_INVALID";
      const token = match[1];
      if (token.startsWith(SERVICE_TOKEN_PREFIX)) {
        const serviceToken = await findActiveServiceToken(db, token);
        return serviceToken ? { kind: "service", serviceToken } : "TOKEN_INVALID";
      }
      if (microsoft && looksLikeMicrosoftToken(token)) {
        const account = await microsoft.verify(token);
        if (typeof account === "string") return account;
        const user = await findUserByMicrosoftAccount(db, account);
        return user ? { kind: "user", user, tokenExpiresAt: account.expiresAt } : "MICROSOFT_ACCOUNT_UNKNOWN";
      }
      const session = await verifySession(token);
      if (!session) return "TOKEN_INVALID";
      const { claims } = session;
      const user = await ensureUser(db, {
        platformUserId: claims.sub,
        email: claims.email,
        name: claims.name,
        role: claims.role,
        locale: claims.locale,
        timeZone: claims.zoneinfo,
      });
      return { kind: "user", user, tokenExpiresAt: session.expiresAt };
    },
  };
}

/** A JWT's `exp` (seconds since the epoch) as a date; jose has already refused the token once it is past. */
function expiryOf(exp: number | undefined): Date | null {
  return exp === undefined ? null : new Date(exp * 1000);
}

/** Signs a platform-shaped session token: used by demo sign-in, where this product stands in for the platform. */
export async function signSessionToken(
  secret: string,
  user: User,
  options: { issuer?: string; audience?: string; lifetimeSeconds?: number } = {},
): Promise<string> {
  const jwt = new SignJWT({ email: user.email, name: user.name, role: user.role, locale: user.locale, zoneinfo: user.timeZone })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(user.platformUserId)
    .setIssuedAt()
    .setExpirationTime(`${options.lifetimeSeconds ?? 12 * 3600}s`);
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (options.audience) jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
