import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runServerExpectingFailure } from "@agenda/testing/server-process";
import { describe, expect, it } from "vitest";

describe("the server in production mode", () => {
  it("refuses to boot, naming each missing secret and each unsafe URL", { timeout: 60_000 }, async () => {
    const { code, output } = await runServerExpectingFailure({
      NODE_ENV: "production",
      DATA_DIR: mkdtempSync(join(tmpdir(), "agenda-production-")),
      OUTLOOK_CLIENT_ID: "app",
      OUTLOOK_REDIRECT_URI: "http://agenda.example.com/calendar/callback/outlook",
      BACKEND_URL: "http://agenda.example.com",
    });
    expect(code).toBe(1);
    for (const expected of [
      /DATABASE_URL: required in production/,
      /PLATFORM_JWT_SECRET: /,
      /TOKEN_ENCRYPTION_KEY: /,
      /OUTLOOK_CLIENT_SECRET: /,
      /OUTLOOK_REDIRECT_URI: must be an https:\/\/ URL in production/,
      /BACKEND_URL: must be an https:\/\/ URL in production/,
    ]) {
      expect(output).toMatch(expected);
    }
    expect(output).not.toMatch(/running at/);
  });

  it("names a secret file it cannot read", { timeout: 60_000 }, async () => {
    const { code, output } = await runServerExpectingFailure({
      NODE_ENV: "production",
      OUTLOOK_CLIENT_SECRET_FILE: "/nonexistent/agenda-client-secret",
    });
    expect(code).toBe(1);
    expect(output).toMatch(/OUTLOOK_CLIENT_SECRET_FILE: cannot read \/nonexistent\/agenda-client-secret \(ENOENT\)/);
  });
});
