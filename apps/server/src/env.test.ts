import { describe, expect, it } from "vitest";
import { InvalidEnvironmentError, parseEnv } from "./env";

describe("parseEnv", () => {
  it("runs in demo mode on an empty environment", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ demoMode: true, PORT: 3000, HOST: "127.0.0.1", OUTLOOK_TENANT: "common" });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("leaves demo mode once an Azure app is configured", () => {
    const env = parseEnv({ OUTLOOK_CLIENT_ID: "app", PLATFORM_JWT_SECRET: "x".repeat(32) });
    expect(env.demoMode).toBe(false);
  });

  it("names every wrong variable", () => {
    const parse = () => parseEnv({ PORT: "99999", DATABASE_URL: "mysql://nope", PLATFORM_JWT_SECRET: "short" });
    expect(parse).toThrow(InvalidEnvironmentError);
    expect(parse).toThrow(/PORT: [\s\S]*DATABASE_URL: [\s\S]*PLATFORM_JWT_SECRET: must be at least 32 characters/);
  });

  it("refuses demo mode in production", () => {
    expect(() => parseEnv({ NODE_ENV: "production", DEMO_MODE: "true" })).toThrow(/DEMO_MODE: demo mode cannot run with NODE_ENV=production/);
  });
});
