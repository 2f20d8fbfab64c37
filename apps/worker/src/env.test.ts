import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateVaultKey } from "@agenda/sync/token-vault";
import { describe, expect, it } from "vitest";
import { parseWorkerEnv } from "./env";

const worker = {
  NODE_ENV: "production",
  DATABASE_URL: "postgres://agenda@db.internal/agenda",
  OUTLOOK_CLIENT_ID: "app",
  OUTLOOK_CLIENT_SECRET: "azure-secret",
  OUTLOOK_REDIRECT_URI: "https://agenda.example.com/calendar/callback/outlook",
  TOKEN_ENCRYPTION_KEY: generateVaultKey("2026"),
  BACKEND_URL: "https://agenda.example.com",
  PLATFORM_URL: "https://platform.example.com",
};

describe("parseWorkerEnv", () => {
  it("boots in production with every secret and HTTPS URLs", () => {
    expect(parseWorkerEnv(worker)).toMatchObject({ NODE_ENV: "production", OUTLOOK_CLIENT_SECRET: "azure-secret" });
    // A worker has no embedded PostgreSQL: it needs the shared one in every mode.
    expect(() => parseWorkerEnv({ ...worker, DATABASE_URL: undefined })).toThrow(/- DATABASE_URL: /);
  });

  it("refuses plain http for the redirect URI and BACKEND_URL in production only", () => {
    const unsafe = {
      ...worker,
      OUTLOOK_REDIRECT_URI: "http://agenda.example.com/cb",
      BACKEND_URL: "http://agenda.example.com",
    };
    expect(() => parseWorkerEnv(unsafe)).toThrow(
      /OUTLOOK_REDIRECT_URI: must be an https:\/\/ URL in production[\s\S]*BACKEND_URL: must be an https/,
    );
    expect(parseWorkerEnv({ ...unsafe, NODE_ENV: "development" })).toMatchObject({
      BACKEND_URL: "http://agenda.example.com",
    });
  });

  it("reads secrets from files, and names a secret missing either way", () => {
    const directory = mkdtempSync(join(tmpdir(), "agenda-worker-secrets-"));
    writeFileSync(join(directory, "database-url"), "postgres://agenda:p4ss@db.internal/agenda\n");
    expect(
      parseWorkerEnv({ ...worker, DATABASE_URL: undefined, DATABASE_URL_FILE: join(directory, "database-url") }),
    ).toMatchObject({
      DATABASE_URL: "postgres://agenda:p4ss@db.internal/agenda",
    });
    expect(() => parseWorkerEnv({ ...worker, TOKEN_ENCRYPTION_KEY: undefined })).toThrow(/TOKEN_ENCRYPTION_KEY: /);
  });
});
