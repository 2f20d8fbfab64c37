import { describe, expect, it } from "vitest";
import { InvalidVaultKeyError, VaultOpenError, createTokenVault, generateVaultKey, parseVaultKey } from "./token-vault";

describe("token vault", () => {
  const secret = JSON.stringify({ RefreshToken: { rt: { secret: "0.AAAA-refresh-token-value" } } });

  it("seals so the plaintext does not show, and opens what it sealed", () => {
    const vault = createTokenVault(parseVaultKey(generateVaultKey("k1")));
    const sealed = vault.seal(secret, "integration-1");
    expect(sealed).not.toContain("refresh-token-value");
    expect(sealed.startsWith("v1.k1.")).toBe(true);
    expect(vault.open(sealed, "integration-1")).toBe(secret);
    expect(vault.seal(secret, "integration-1")).not.toBe(sealed);
  });

  it("refuses a value moved to another owner or altered", () => {
    const vault = createTokenVault(parseVaultKey(generateVaultKey("k1")));
    const sealed = vault.seal(secret, "integration-1");
    expect(() => vault.open(sealed, "integration-2")).toThrow(VaultOpenError);
    const parts = sealed.split(".");
    const altered = parts[4] ?? "";
    // A different first character, whatever the random ciphertext starts with.
    parts[4] = `${altered.startsWith("A") ? "B" : "A"}${altered.slice(1)}`;
    expect(() => vault.open(parts.join("."), "integration-1")).toThrow(VaultOpenError);
  });

  it("rotates keys: former keys open, the current one seals, stale values are told apart", () => {
    const oldKey = parseVaultKey(generateVaultKey("2025"));
    const newKey = parseVaultKey(generateVaultKey("2026"));
    const sealedWithOld = createTokenVault(oldKey).seal(secret, "i");

    const rotated = createTokenVault(newKey, [oldKey]);
    expect(rotated.open(sealedWithOld, "i")).toBe(secret);
    expect(rotated.isStale(sealedWithOld)).toBe(true);
    expect(rotated.isStale(rotated.seal(secret, "i"))).toBe(false);
    expect(() => createTokenVault(newKey).open(sealedWithOld, "i")).toThrow(/no key 2025/);
  });

  it("parses keys strictly", () => {
    expect(() => parseVaultKey("nokeyid")).toThrow(InvalidVaultKeyError);
    expect(() => parseVaultKey(`k1:${Buffer.alloc(16).toString("base64")}`)).toThrow(/32 bytes/);
    expect(() => parseVaultKey(`bad id:${Buffer.alloc(32).toString("base64")}`)).toThrow(InvalidVaultKeyError);
    expect(parseVaultKey(`k1:${Buffer.alloc(32, 7).toString("base64")}`).key).toEqual(Buffer.alloc(32, 7));
  });
});
