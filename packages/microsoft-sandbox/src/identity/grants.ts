import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { AadstsError, aadInstant, aadTimeSpan } from "./errors";

/** The identity platform's run-time settings; each can be changed through the admin API while running. */
export interface IdentitySettings {
  /** `expires_in` of access tokens. Microsoft's default is 60–90 minutes; tests use a few seconds. */
  accessTokenLifetimeSeconds: number;
  /** A refresh token unused for this long fails with AADSTS700082 (90 days at Microsoft). */
  refreshTokenInactivitySeconds: number;
  /** Life of an authorization code ("about 10 minutes"); after it, redeeming fails with AADSTS70008. */
  authorizationCodeLifetimeSeconds: number;
  /**
   * Off (Microsoft's behaviour): a used refresh token stays valid. On: a refresh token works once, and reusing
   * it fails with AADSTS70008, which exposes a product that loses the new token of a refresh.
   */
  strictRefreshTokenRotation: boolean;
  /** Sign-in consents on the user's behalf: `prompt=none` with a known `login_hint` then always succeeds. */
  autoConsent: boolean;
}

export const DEFAULT_IDENTITY_SETTINGS: IdentitySettings = {
  accessTokenLifetimeSeconds: 3599,
  refreshTokenInactivitySeconds: 90 * 86_400,
  authorizationCodeLifetimeSeconds: 600,
  strictRefreshTokenRotation: false,
  autoConsent: false,
};

export const identitySettingsSchema = z.object({
  accessTokenLifetimeSeconds: z.number().int().min(1).max(86_400),
  refreshTokenInactivitySeconds: z.number().int().min(1),
  authorizationCodeLifetimeSeconds: z.number().int().min(1).max(3600),
  strictRefreshTokenRotation: z.boolean(),
  autoConsent: z.boolean(),
});

/** A user's consent to a client: the delegated permission grant that lets sign-ins skip the consent screen. */
export interface Consent {
  userId: string;
  clientId: string;
  scopes: string[];
  grantedAt: number;
}

/** What an authorization code stands for until it is redeemed at the token endpoint. */
export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  userId: string;
  scopes: string[];
  codeChallenge: string | undefined;
  codeChallengeMethod: "S256" | "plain";
  nonce: string | undefined;
  issuedAt: number;
  redeemedAt?: number;
}

/** A refresh token, stored under a hash of its value so that saved state never holds a usable token. */
export interface RefreshTokenRecord {
  userId: string;
  clientId: string;
  scopes: string[];
  /** When the sign-in that started this chain of refresh tokens happened: quoted by AADSTS50173. */
  grantIssuedAt: number;
  issuedAt: number;
  lastUsedAt: number;
  usedAt?: number;
  revokedAt?: number;
  /** Set by the admin API to make this token fail as if inactive past its lifetime. */
  expiredByAdmin?: boolean;
  /** Issued to a single-page application: redeemed cross-origin only, and dead a day after the sign-in. */
  spa?: boolean;
}

/** Microsoft's fixed lifetime of a single-page application's refresh tokens, counted from the sign-in. */
export const SPA_REFRESH_TOKEN_LIFETIME_SECONDS = 86_400;

export interface IdentityState {
  consents: Consent[];
  refreshTokens: Array<[hash: string, record: RefreshTokenRecord]>;
}

const consentSchema = z.object({
  userId: z.string(),
  clientId: z.string(),
  scopes: z.array(z.string()),
  grantedAt: z.number(),
});

const refreshTokenSchema = z.object({
  userId: z.string(),
  clientId: z.string(),
  scopes: z.array(z.string()),
  grantIssuedAt: z.number(),
  issuedAt: z.number(),
  lastUsedAt: z.number(),
  usedAt: z.number().optional(),
  revokedAt: z.number().optional(),
  expiredByAdmin: z.boolean().optional(),
  spa: z.boolean().optional(),
});

export const identityStateSchema = z.object({
  consents: z.array(consentSchema),
  refreshTokens: z.array(z.tuple([z.string(), refreshTokenSchema])),
});

function opaqueToken(prefix: string): string {
  return `${prefix}${randomBytes(48).toString("base64url")}`;
}

function hashOf(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

const grantKey = (userId: string, clientId: string) => `${userId}|${clientId}`;

/** Consents, authorization codes and refresh tokens: the identity platform's whole memory. */
export class GrantStore {
  readonly #consents = new Map<string, Consent>();
  readonly #codes = new Map<string, AuthorizationCode>();
  readonly #refreshTokens = new Map<string, RefreshTokenRecord>();

  constructor(readonly settings: IdentitySettings) {}

  consentOf(userId: string, clientId: string): Consent | undefined {
    return this.#consents.get(grantKey(userId, clientId));
  }

  hasConsented(userId: string, clientId: string, scopes: readonly string[]): boolean {
    const granted = new Set(this.consentOf(userId, clientId)?.scopes ?? []);
    return scopes.every((scope) => granted.has(scope));
  }

  /** Adds `scopes` to the user's consent to the client, as an incremental consent does. */
  consent(userId: string, clientId: string, scopes: readonly string[], now = Date.now()): Consent {
    const existing = this.consentOf(userId, clientId);
    const consent: Consent = {
      userId,
      clientId,
      scopes: [...new Set([...(existing?.scopes ?? []), ...scopes])],
      grantedAt: existing?.grantedAt ?? now,
    };
    this.#consents.set(grantKey(userId, clientId), consent);
    return consent;
  }

  consents(): Consent[] {
    return [...this.#consents.values()];
  }

  issueCode(code: Omit<AuthorizationCode, "issuedAt">, now = Date.now()): string {
    this.#forgetStaleCodes(now);
    const value = opaqueToken("0.sandbox-code.");
    this.#codes.set(value, { ...code, issuedAt: now });
    return value;
  }

  /**
   * Redeems a code once. Checks follow Microsoft's order of the observable failures: unknown, already redeemed
   * (AADSTS54005, whatever its age), expired (AADSTS70008), then the request's binding to the code.
   */
  redeemCode(
    value: string,
    request: {
      clientId: string;
      redirectUri: string | undefined;
      codeVerifier: string | undefined;
      /** Redeemed by a browser (an `Origin`): only with PKCE. */
      crossOrigin?: boolean;
    },
    now = Date.now(),
  ): AuthorizationCode {
    const code = this.#codes.get(value);
    if (!code || code.clientId !== request.clientId) {
      throw new AadstsError("invalid_grant", 70000, "The provided value for the 'code' parameter is not valid.");
    }
    if (code.redeemedAt !== undefined) {
      throw new AadstsError(
        "invalid_grant",
        54005,
        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
      );
    }
    if (now - code.issuedAt > this.settings.authorizationCodeLifetimeSeconds * 1000) {
      throw new AadstsError(
        "invalid_grant",
        70008,
        "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
      );
    }
    if (request.redirectUri !== code.redirectUri) {
      throw new AadstsError(
        "invalid_grant",
        500112,
        `The reply address '${request.redirectUri ?? ""}' does not match the reply address '${code.redirectUri}' provided when requesting Authorization code.`,
      );
    }
    if (request.crossOrigin && code.codeChallenge === undefined) {
      throw new AadstsError(
        "invalid_request",
        9002325,
        "Proof Key for Code Exchange is required for cross-origin authorization code redemption.",
      );
    }
    if (code.codeChallenge !== undefined && !verifierMatches(code, request.codeVerifier)) {
      throw new AadstsError(
        "invalid_grant",
        501481,
        "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
      );
    }
    code.redeemedAt = now;
    return code;
  }

  /** Codes are kept past their lifetime so that a late replay still reads "already redeemed", then dropped. */
  #forgetStaleCodes(now: number): void {
    const horizon = now - 2 * this.settings.authorizationCodeLifetimeSeconds * 1000;
    for (const [value, code] of this.#codes) if (code.issuedAt < horizon) this.#codes.delete(value);
  }

  issueRefreshToken(
    grant: { userId: string; clientId: string; scopes: string[]; grantIssuedAt: number; spa?: boolean },
    now = Date.now(),
  ): string {
    const value = opaqueToken("1.sandbox-rt.");
    this.#refreshTokens.set(hashOf(value), { ...grant, issuedAt: now, lastUsedAt: now });
    return value;
  }

  /** Whether a refresh token was issued to a single-page application. */
  refreshTokenIsSpa(value: string): boolean {
    return this.#refreshTokens.get(hashOf(value))?.spa === true;
  }

  /** Uses a refresh token of `clientId`, or throws the AADSTS error Microsoft returns for its state. */
  useRefreshToken(value: string, clientId: string, now = Date.now()): RefreshTokenRecord {
    const record = this.#refreshTokens.get(hashOf(value));
    if (!record) {
      throw new AadstsError("invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.");
    }
    if (record.clientId !== clientId) {
      throw new AadstsError("invalid_grant", 70000, "Provided grant is invalid or malformed.");
    }
    if (record.revokedAt !== undefined) {
      throw new AadstsError(
        "invalid_grant",
        50173,
        `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${aadInstant(record.grantIssuedAt)}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${aadInstant(record.revokedAt)}'.`,
      );
    }
    const inactivity = this.settings.refreshTokenInactivitySeconds;
    if (record.expiredByAdmin || now - record.lastUsedAt > inactivity * 1000) {
      throw new AadstsError(
        "invalid_grant",
        700082,
        `The refresh token has expired due to inactivity. The token was issued on ${aadInstant(record.issuedAt)} and was inactive for ${aadTimeSpan(inactivity)}.`,
        "bad_token",
      );
    }
    if (record.spa && now - record.grantIssuedAt > SPA_REFRESH_TOKEN_LIFETIME_SECONDS * 1000) {
      throw new AadstsError(
        "invalid_grant",
        700084,
        `The refresh token was issued to a single page app (SPA), and therefore has a fixed, limited lifetime of ${aadTimeSpan(
          SPA_REFRESH_TOKEN_LIFETIME_SECONDS,
        )}, which cannot be extended. It is now expired and a new sign in request must be sent by the SPA to the sign in page. The token was issued on ${aadInstant(record.grantIssuedAt)}.`,
        "bad_token",
      );
    }
    if (this.settings.strictRefreshTokenRotation && record.usedAt !== undefined) {
      throw new AadstsError(
        "invalid_grant",
        70008,
        "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
      );
    }
    record.usedAt = now;
    record.lastUsedAt = now;
    return record;
  }

  /**
   * Revokes what a user granted (one client, or every client): the consent goes, and every refresh token
   * issued so far fails with AADSTS50173, as after "Revoke sessions" in Entra.
   */
  revoke(userId: string, clientId: string | undefined, now = Date.now()): { consents: number; refreshTokens: number } {
    let consents = 0;
    for (const [key, consent] of this.#consents) {
      if (consent.userId === userId && (clientId === undefined || consent.clientId === clientId)) {
        this.#consents.delete(key);
        consents += 1;
      }
    }
    let refreshTokens = 0;
    for (const record of this.#matchingRefreshTokens(userId, clientId)) {
      record.revokedAt = now;
      refreshTokens += 1;
    }
    return { consents, refreshTokens };
  }

  /** Makes the user's current refresh tokens fail as expired by inactivity (AADSTS700082). */
  expireRefreshTokens(userId: string, clientId: string | undefined): number {
    let count = 0;
    for (const record of this.#matchingRefreshTokens(userId, clientId)) {
      record.expiredByAdmin = true;
      count += 1;
    }
    return count;
  }

  /** Refresh tokens still usable, per user and client: what the admin API reports next to each consent. */
  liveRefreshTokenCount(userId: string, clientId: string): number {
    return [...this.#matchingRefreshTokens(userId, clientId)].length;
  }

  *#matchingRefreshTokens(userId: string, clientId: string | undefined): Iterable<RefreshTokenRecord> {
    for (const record of this.#refreshTokens.values()) {
      const live = record.revokedAt === undefined && !record.expiredByAdmin;
      if (live && record.userId === userId && (clientId === undefined || record.clientId === clientId)) yield record;
    }
  }

  snapshot(): IdentityState {
    return {
      consents: this.consents(),
      refreshTokens: [...this.#refreshTokens.entries()].map(([hash, record]) => [hash, { ...record }]),
    };
  }

  restore(state: IdentityState): void {
    this.reset();
    for (const consent of state.consents) this.#consents.set(grantKey(consent.userId, consent.clientId), consent);
    for (const [hash, record] of state.refreshTokens) this.#refreshTokens.set(hash, record);
  }

  reset(): void {
    this.#consents.clear();
    this.#codes.clear();
    this.#refreshTokens.clear();
  }
}

function verifierMatches(code: AuthorizationCode, verifier: string | undefined): boolean {
  if (verifier === undefined) return false;
  const derived =
    code.codeChallengeMethod === "S256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
  return derived === code.codeChallenge;
}
