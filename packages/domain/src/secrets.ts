import { createHash, randomBytes } from "node:crypto";

/** A fresh 256-bit secret behind a prefix that says what it is (and lets leak scanners spot it). */
export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString("base64url");
}

/** What is stored of a secret: its SHA-256, hex. A 256-bit random secret needs no salt or slow hash. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
