import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { signSessionToken, type DemoMode } from "@agenda/api";
import type { Database } from "@agenda/db/client";
import { DEMO_USERS } from "@agenda/domain/demo-seed";
import { findUserByEmail } from "@agenda/domain/users";
import { generateVaultKey } from "@agenda/sync/token-vault";

export interface DemoSecrets {
  platformJwtSecret: string;
  tokenEncryptionKey: string;
  /** The demo app's client secret at the Microsoft sandbox. */
  outlookClientSecret: string;
}

/**
 * Secrets demo mode makes for itself when the environment gives none, kept under the data dir so session tokens
 * survive a restart. Demo mode only: production reads every secret from the environment.
 */
export async function loadDemoSecrets(dataDir: string): Promise<DemoSecrets> {
  const file = join(dataDir, "demo-secrets.json");
  const kept = existsSync(file) ? (JSON.parse(await readFile(file, "utf8")) as Partial<DemoSecrets>) : {};
  const secrets: DemoSecrets = {
    platformJwtSecret: kept.platformJwtSecret ?? randomBytes(32).toString("base64url"),
    tokenEncryptionKey: kept.tokenEncryptionKey ?? generateVaultKey("demo"),
    outlookClientSecret: kept.outlookClientSecret ?? randomBytes(24).toString("base64url"),
  };
  if (JSON.stringify(kept) !== JSON.stringify(secrets)) {
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(secrets), { mode: 0o600 });
  }
  return secrets;
}

const demoEmails = new Set<string>(Object.values(DEMO_USERS).map(({ email }) => email));

export function createDemoMode(db: Database, platformJwtSecret: string): DemoMode {
  return {
    async signIn(email) {
      if (!demoEmails.has(email.toLowerCase())) return undefined;
      const user = await findUserByEmail(db, email);
      return user ? { user, token: await signSessionToken(platformJwtSecret, user) } : undefined;
    },
  };
}
