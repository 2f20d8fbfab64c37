import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Encrypts Microsoft token caches at rest with AES-256-GCM. Each ciphertext names the key that sealed it, so keys
 * rotate without a migration: the current key seals, former keys still open, and a value sealed with a former key
 * is re-sealed the next time it is written.
 */
export interface TokenVault {
  /** `associatedData` binds the ciphertext to its owner (e.g. the integration id): it cannot be moved to another row. */
  seal(plaintext: string, associatedData: string): string;
  open(sealed: string, associatedData: string): string;
  /** Whether `sealed` was made with a key other than the current one. */
  isStale(sealed: string): boolean;
}

export interface VaultKey {
  id: string;
  key: Buffer;
}

export class InvalidVaultKeyError extends Error {}
export class VaultOpenError extends Error {}

const FORMAT = "v1";
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Parses `<key id>:<32 bytes in base64>`, the form TOKEN_ENCRYPTION_KEY and TOKEN_ENCRYPTION_KEYS use. */
export function parseVaultKey(text: string): VaultKey {
  const separator = text.indexOf(":");
  const id = text.slice(0, separator);
  const key = Buffer.from(text.slice(separator + 1), "base64");
  if (separator < 1 || !KEY_ID.test(id))
    throw new InvalidVaultKeyError("a key is written `<key id>:<base64 key>`, the id in letters, digits, - and _");
  if (key.length !== 32)
    throw new InvalidVaultKeyError(`key ${id} must be 32 bytes (44 base64 characters), not ${key.length}`);
  return { id, key };
}

/** A fresh key in the form parseVaultKey reads. */
export function generateVaultKey(id: string): string {
  return `${id}:${randomBytes(32).toString("base64")}`;
}

export function createTokenVault(current: VaultKey, former: VaultKey[] = []): TokenVault {
  const keys = new Map([...former, current].map((key) => [key.id, key.key]));
  return {
    seal(plaintext, associatedData) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", current.key, iv);
      cipher.setAAD(Buffer.from(associatedData));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [
        FORMAT,
        current.id,
        iv.toString("base64url"),
        cipher.getAuthTag().toString("base64url"),
        ciphertext.toString("base64url"),
      ].join(".");
    },
    open(sealed, associatedData) {
      const [format, keyId = "", iv = "", tag = "", ciphertext = ""] = sealed.split(".");
      const key = keys.get(keyId);
      if (format !== FORMAT || !key)
        throw new VaultOpenError(`no key ${keyId} to open this value (was TOKEN_ENCRYPTION_KEYS emptied too early?)`);
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
        decipher.setAAD(Buffer.from(associatedData));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString(
          "utf8",
        );
      } catch {
        throw new VaultOpenError("the value was altered, or sealed for another owner");
      }
    },
    isStale(sealed) {
      return sealed.split(".")[1] !== current.id;
    },
  };
}
