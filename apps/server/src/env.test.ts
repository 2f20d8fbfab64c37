import { describe, expect, it } from "vitest";
import { generateVaultKey } from "@agenda/sync/token-vault";
import { InvalidEnvironmentError, parseEnv } from "./env";

describe("parseEnv", () => {
  it("runs in demo mode on an empty environment", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ demoMode: true, PORT: 3000, HOST: "127.0.0.1", OUTLOOK_TENANT: "common" });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("leaves demo mode once an Azure app is configured, and then needs all of it and a vault key", () => {
    const azure = {
      OUTLOOK_CLIENT_ID: "app",
      OUTLOOK_CLIENT_SECRET: "secret",
      OUTLOOK_REDIRECT_URI: "https://agenda.example.com/calendar/callback/outlook",
      PLATFORM_JWT_SECRET: "x".repeat(32),
      TOKEN_ENCRYPTION_KEY: generateVaultKey("2026"),
    };
    expect(parseEnv(azure)).toMatchObject({ demoMode: false, TOKEN_ENCRYPTION_KEY: { id: "2026" } });
    expect(() => parseEnv({ ...azure, OUTLOOK_CLIENT_SECRET: undefined })).toThrow(
      /OUTLOOK_CLIENT_SECRET: required once OUTLOOK_CLIENT_ID is set/,
    );
    expect(() => parseEnv({ ...azure, TOKEN_ENCRYPTION_KEY: undefined })).toThrow(
      /TOKEN_ENCRYPTION_KEY: required outside demo mode/,
    );
    expect(() => parseEnv({ ...azure, TOKEN_ENCRYPTION_KEY: "2026:c2hvcnQ=" })).toThrow(
      /TOKEN_ENCRYPTION_KEY: key 2026 must be 32 bytes/,
    );
    expect(() => parseEnv({ ...azure, TOKEN_ENCRYPTION_KEYS: `${generateVaultKey("2025")},oops` })).toThrow(
      /TOKEN_ENCRYPTION_KEYS/,
    );
  });

  it("serves HTTPS only with both a PEM certificate and its key", () => {
    const cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    const key = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----";
    expect(parseEnv({ TLS_CERT: cert, TLS_KEY: key })).toMatchObject({ TLS_CERT: cert, TLS_KEY: key });
    expect(() => parseEnv({ TLS_CERT: cert })).toThrow(/TLS_KEY: set TLS_CERT and TLS_KEY together/);
    expect(() => parseEnv({ TLS_KEY: key })).toThrow(/TLS_CERT: set TLS_CERT and TLS_KEY together/);
    expect(() => parseEnv({ TLS_CERT: "localhost.crt", TLS_KEY: key })).toThrow(/TLS_CERT: must be a PEM certificate/);
    expect(() => parseEnv({ TLS_CERT_FILE: "/nowhere/localhost.crt", TLS_KEY: key })).toThrow(
      /TLS_CERT_FILE: cannot read \/nowhere\/localhost.crt \(ENOENT\)/,
    );
  });

  it("keeps audit entries 400 days unless AUDIT_LOG_RETENTION_DAYS says otherwise, and refuses a retention that is no number of days", () => {
    expect(parseEnv({}).AUDIT_LOG_RETENTION_DAYS).toBe(400);
    expect(parseEnv({ AUDIT_LOG_RETENTION_DAYS: "30" }).AUDIT_LOG_RETENTION_DAYS).toBe(30);
    for (const wrong of ["0", "-5", "1.5", "forever"])
      expect(() => parseEnv({ AUDIT_LOG_RETENTION_DAYS: wrong })).toThrow(/AUDIT_LOG_RETENTION_DAYS: /);
  });

  it("names every wrong variable", () => {
    const parse = () => parseEnv({ PORT: "99999", DATABASE_URL: "mysql://nope", PLATFORM_JWT_SECRET: "short" });
    expect(parse).toThrow(InvalidEnvironmentError);
    expect(parse).toThrow(/PORT: [\s\S]*DATABASE_URL: [\s\S]*PLATFORM_JWT_SECRET: must be at least 32 characters/);
  });

  it("polls Outlook every 5 minutes by default when notifications cannot be received, and checks the interval", () => {
    expect(parseEnv({})).toMatchObject({ SYNC_POLL_INTERVAL_SECONDS: 300 });
    expect(
      parseEnv({ SYNC_POLL_INTERVAL_SECONDS: "60", OUTLOOK_NOTIFICATION_URL: "https://hooks.example.com" }),
    ).toMatchObject({
      SYNC_POLL_INTERVAL_SECONDS: 60,
      OUTLOOK_NOTIFICATION_URL: "https://hooks.example.com",
    });
    expect(() => parseEnv({ SYNC_POLL_INTERVAL_SECONDS: "5" })).toThrow(/SYNC_POLL_INTERVAL_SECONDS: /);
    expect(() => parseEnv({ OUTLOOK_NOTIFICATION_URL: "ftp://hooks.example.com" })).toThrow(
      /OUTLOOK_NOTIFICATION_URL: /,
    );
  });

  it("refuses demo mode in production", () => {
    expect(() => parseEnv({ NODE_ENV: "production", DEMO_MODE: "true" })).toThrow(
      /DEMO_MODE: demo mode cannot run with NODE_ENV=production/,
    );
  });

  it("turns demo mode on by itself only on a loopback HOST", () => {
    for (const HOST of ["127.0.0.1", "127.8.0.1", "::1", "[::1]", "localhost"])
      expect(parseEnv({ HOST }).demoMode, HOST).toBe(true);
    for (const HOST of ["0.0.0.0", "::", "192.168.1.20", "agenda.example.com"]) {
      const parse = () => parseEnv({ HOST });
      expect(parse, HOST).toThrow(
        `  - HOST: ${HOST} is not a loopback address, and demo mode (on by default without an Azure app) lets anyone who can reach it sign in as any demo user, the admin included`,
      );
      expect(parse, HOST).toThrow(
        /set DEMO_MODE=true to run demo mode there on purpose, configure the Azure app \(OUTLOOK_CLIENT_ID…\), or listen on 127\.0\.0\.1/,
      );
    }
  });

  it("runs demo mode on a public HOST when DEMO_MODE=true says so", () => {
    expect(parseEnv({ HOST: "0.0.0.0", DEMO_MODE: "true" })).toMatchObject({ demoMode: true, HOST: "0.0.0.0" });
    expect(() => parseEnv({ HOST: "0.0.0.0", DEMO_MODE: "false" })).toThrow(/PLATFORM_JWT_SECRET: outside demo mode/);
  });
});
