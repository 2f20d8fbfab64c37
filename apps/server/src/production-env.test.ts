import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateVaultKey } from "@agenda/sync/token-vault";
import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";

const production = {
  NODE_ENV: "production",
  DATABASE_URL: "postgres://agenda:database-secret@db.internal:5432/agenda",
  OUTLOOK_CLIENT_ID: "app",
  OUTLOOK_CLIENT_SECRET: "azure-secret",
  OUTLOOK_REDIRECT_URI: "https://agenda.example.com/calendar/callback/outlook",
  PLATFORM_JWT_SECRET: "x".repeat(32),
  TOKEN_ENCRYPTION_KEY: generateVaultKey("2026"),
  BACKEND_URL: "https://agenda.example.com",
};

describe("production mode (NODE_ENV=production)", () => {
  it("boots with every secret set, outside demo mode", () => {
    expect(parseEnv(production)).toMatchObject({ NODE_ENV: "production", demoMode: false, ALLOWED_ORIGINS: [] });
  });

  it("names each missing secret", () => {
    const parse = () => parseEnv({ NODE_ENV: "production" });
    for (const name of [
      "DATABASE_URL",
      "PLATFORM_JWT_SECRET",
      "TOKEN_ENCRYPTION_KEY",
      "OUTLOOK_CLIENT_ID",
      "OUTLOOK_CLIENT_SECRET",
      "OUTLOOK_REDIRECT_URI",
    ]) {
      expect(parse).toThrow(new RegExp(`  - ${name}: `));
    }
    for (const name of [
      "PLATFORM_JWT_SECRET",
      "TOKEN_ENCRYPTION_KEY",
      "OUTLOOK_CLIENT_SECRET",
      "OUTLOOK_REDIRECT_URI",
    ] as const) {
      expect(() => parseEnv({ ...production, [name]: undefined }), name).toThrow(new RegExp(`  - ${name}: `));
    }
    expect(() => parseEnv({ ...production, DATABASE_URL: undefined })).toThrow(
      /- DATABASE_URL: required in production: the embedded PostgreSQL is for development and demos/,
    );
    expect(
      parseEnv({
        ...production,
        PLATFORM_JWT_SECRET: undefined,
        PLATFORM_JWKS_URL: "https://platform.example.com/jwks.json",
      }),
    ).toMatchObject({
      PLATFORM_JWKS_URL: "https://platform.example.com/jwks.json",
    });
  });

  it("refuses plain http for the redirect URI and BACKEND_URL, except on localhost", () => {
    expect(() =>
      parseEnv({ ...production, OUTLOOK_REDIRECT_URI: "http://agenda.example.com/calendar/callback/outlook" }),
    ).toThrow(/OUTLOOK_REDIRECT_URI: must be an https:\/\/ URL in production/);
    expect(() => parseEnv({ ...production, BACKEND_URL: "http://agenda.example.com" })).toThrow(
      /BACKEND_URL: must be an https:\/\/ URL in production/,
    );
    expect(
      parseEnv({
        ...production,
        BACKEND_URL: "http://localhost:3000",
        OUTLOOK_REDIRECT_URI: "http://localhost:3000/calendar/callback/outlook",
      }),
    ).toMatchObject({
      BACKEND_URL: "http://localhost:3000",
    });
    // Outside production, http is fine (development, tests).
    expect(
      parseEnv({ ...production, NODE_ENV: "development", BACKEND_URL: "http://agenda.example.com" }),
    ).toMatchObject({ demoMode: false });
  });

  it("has no demo mode (and so no demo sign-in and no sandbox)", () => {
    expect(() => parseEnv({ ...production, DEMO_MODE: "true" })).toThrow(
      /DEMO_MODE: demo mode cannot run with NODE_ENV=production/,
    );
    expect(parseEnv({ ...production, OUTLOOK_CLIENT_ID: "app" }).demoMode).toBe(false);
  });

  it("takes a CORS allow-list of origins, and refuses * in production", () => {
    expect(
      parseEnv({ ...production, ALLOWED_ORIGINS: "https://lms.example.com/, https://admin.example.com" })
        .ALLOWED_ORIGINS,
    ).toEqual(["https://lms.example.com", "https://admin.example.com"]);
    expect(() => parseEnv({ ...production, ALLOWED_ORIGINS: "*" })).toThrow(
      /ALLOWED_ORIGINS: cannot be \* in production/,
    );
    expect(() => parseEnv({ ...production, ALLOWED_ORIGINS: "lms.example.com" })).toThrow(/ALLOWED_ORIGINS/);
    expect(parseEnv({ ALLOWED_ORIGINS: "*" }).ALLOWED_ORIGINS).toEqual(["*"]);
  });

  it("reads secrets from the files their _FILE variables name", () => {
    const directory = mkdtempSync(join(tmpdir(), "agenda-server-secrets-"));
    const file = (name: string, content: string) => {
      writeFileSync(join(directory, name), `${content}\n`);
      return join(directory, name);
    };
    const env = parseEnv({
      ...production,
      OUTLOOK_CLIENT_SECRET: undefined,
      TOKEN_ENCRYPTION_KEY: undefined,
      OUTLOOK_CLIENT_SECRET_FILE: file("client-secret", "from-a-file"),
      TOKEN_ENCRYPTION_KEY_FILE: file("vault-key", generateVaultKey("2027")),
    });
    expect(env).toMatchObject({ OUTLOOK_CLIENT_SECRET: "from-a-file", TOKEN_ENCRYPTION_KEY: { id: "2027" } });
    expect(() =>
      parseEnv({ ...production, PLATFORM_JWT_SECRET: undefined, PLATFORM_JWT_SECRET_FILE: join(directory, "nope") }),
    ).toThrow(/PLATFORM_JWT_SECRET_FILE: cannot read/);
  });
});
