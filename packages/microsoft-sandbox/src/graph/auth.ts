import { errors as joseErrors } from "jose";
import type { AccessTokenClaims } from "../signing";
import type { GraphContext } from "./context";
import { GraphError, invalidAuthenticationToken } from "./errors";

/** Verifies bearer tokens, remembering tokens already verified (signature checks dominate a simple GET otherwise). */
export class TokenVerifier {
  readonly #verified = new Map<string, AccessTokenClaims>();

  constructor(private readonly verify: (token: string) => Promise<AccessTokenClaims>) {}

  async claims(authorization: string | undefined): Promise<AccessTokenClaims> {
    const token = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1]?.trim();
    if (!token) throw invalidAuthenticationToken("Access token is empty.");
    const cached = this.#verified.get(token);
    if (cached) {
      if (cached.exp * 1000 > Date.now()) return cached;
      this.#verified.delete(token);
      throw invalidAuthenticationToken("Lifetime validation failed, the token is expired.");
    }
    let claims: AccessTokenClaims;
    try {
      claims = await this.verify(token);
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired)
        throw invalidAuthenticationToken("Lifetime validation failed, the token is expired.");
      throw invalidAuthenticationToken("Access token validation failure. Invalid audience or signature.");
    }
    if (this.#verified.size >= 10_000) this.#verified.clear();
    this.#verified.set(token, claims);
    return claims;
  }
}

/** Delegated permissions that grant each kind of access (a token needs any one of them). */
export const SCOPES = {
  profile: [
    "User.Read",
    "User.ReadWrite",
    "User.ReadBasic.All",
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
  ],
  mailboxSettings: ["MailboxSettings.Read", "MailboxSettings.ReadWrite"],
  readCalendars: [
    "Calendars.ReadBasic",
    "Calendars.Read",
    "Calendars.ReadWrite",
    "Calendars.Read.Shared",
    "Calendars.ReadWrite.Shared",
  ],
  writeCalendars: ["Calendars.ReadWrite", "Calendars.ReadWrite.Shared"],
} as const;

function grantedScopes(claims: AccessTokenClaims): Set<string> {
  return new Set(
    (claims.scp ?? "")
      .split(" ")
      .map((scope) => scope.replace(/^https:\/\/graph\.microsoft\.com\//i, "").toLowerCase()),
  );
}

/** 403 unless the token carries one of `anyOf` (when scope enforcement is on). */
export function requireScope(c: GraphContext, enforce: boolean, anyOf: readonly string[]): void {
  if (!enforce) return;
  const granted = grantedScopes(c.get("claims"));
  if (anyOf.some((scope) => granted.has(scope.toLowerCase()))) return;
  if (anyOf === SCOPES.profile)
    throw new GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
  throw new GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
}
