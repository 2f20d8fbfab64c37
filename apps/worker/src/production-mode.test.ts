import { fileURLToPath } from "node:url";
import { spawnProduct } from "@agenda/testing/product-process";
import { describe, expect, it } from "vitest";

const workerMain = fileURLToPath(new URL("./main.ts", import.meta.url));

describe("the sync worker in production mode", () => {
  it("refuses to boot, naming each missing secret and each unsafe URL", { timeout: 60_000 }, async () => {
    const worker = spawnProduct(workerMain, {
      NODE_ENV: "production",
      DATABASE_URL: "postgres://agenda@127.0.0.1:1/agenda",
      OUTLOOK_CLIENT_ID: "app",
      OUTLOOK_REDIRECT_URI: "http://agenda.example.com/calendar/callback/outlook",
      BACKEND_URL: "http://agenda.example.com",
      PLATFORM_URL: "https://platform.example.com",
    });
    expect(await worker.exited).toBe(1);
    for (const expected of [
      /OUTLOOK_CLIENT_SECRET: /,
      /TOKEN_ENCRYPTION_KEY: /,
      /OUTLOOK_REDIRECT_URI: must be an https:\/\/ URL in production/,
      /BACKEND_URL: must be an https/,
    ]) {
      expect(worker.output()).toMatch(expected);
    }
  });
});
