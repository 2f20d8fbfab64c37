import { randomUUID, type webcrypto } from "node:crypto";
import {
  SignJWT,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  createLocalJWKSet,
  type JWK,
  type JSONWebKeySet,
} from "jose";

/** Claims of a Graph access token issued by the sandbox; the Graph side trusts only these. */
export interface AccessTokenClaims {
  /** Object id of the signed-in user (Graph user id). */
  oid: string;
  tid: string;
  /** Client id of the app the token was issued to (Microsoft puts it in `appid` for v1 and `azp` for v2 tokens). */
  azp: string;
  /** Space-separated delegated scopes, e.g. "Calendars.ReadWrite User.Read". */
  scp: string;
  aud: string;
  iss: string;
  exp: number;
  iat: number;
}

export const GRAPH_AUDIENCE = "https://graph.microsoft.com";

/** RS256 key pair of the sandbox's identity platform, published as JWKS and used to sign id and access tokens. */
export class SigningKeys {
  private constructor(
    readonly kid: string,
    private readonly privateKey: webcrypto.CryptoKey,
    readonly publicJwk: JWK,
  ) {}

  static async generate(): Promise<SigningKeys> {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
    return new SigningKeys(kid, privateKey, publicJwk);
  }

  /** The private key as a JWK, for the sandbox's saved state: tokens signed before a restart stay valid after it. */
  async exportPrivateJwk(): Promise<JWK> {
    return { ...(await exportJWK(this.privateKey)), kid: this.kid, alg: "RS256" };
  }

  static async fromPrivateJwk(jwk: JWK): Promise<SigningKeys> {
    if (jwk.kty !== "RSA" || !jwk.kid || !jwk.n || !jwk.e || !jwk.d)
      throw new Error("Not an RS256 private JWK with a kid");
    const privateKey = (await importJWK(jwk, "RS256", { extractable: true })) as webcrypto.CryptoKey;
    return new SigningKeys(jwk.kid, privateKey, {
      kty: "RSA",
      n: jwk.n,
      e: jwk.e,
      kid: jwk.kid,
      alg: "RS256",
      use: "sig",
    });
  }

  jwks(): JSONWebKeySet {
    return { keys: [this.publicJwk] };
  }

  async sign(claims: Record<string, unknown>, lifetimeSeconds: number): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: this.kid })
      .setIssuedAt(now)
      .setNotBefore(now - 5)
      .setExpirationTime(now + lifetimeSeconds)
      .sign(this.privateKey);
  }

  /** Verifies signature, expiry and audience; throws (jose errors) when any does not hold. */
  async verifyAccessToken(token: string): Promise<AccessTokenClaims> {
    const { payload } = await jwtVerify(token, createLocalJWKSet(this.jwks()), { audience: GRAPH_AUDIENCE });
    return payload as unknown as AccessTokenClaims;
  }
}
