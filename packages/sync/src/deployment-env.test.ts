import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidSecretFileError, productionUrlIssues, withSecretFiles } from "./deployment-env";

const directory = mkdtempSync(join(tmpdir(), "agenda-secrets-"));
const secretFile = (name: string, content: string) => {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
};

describe("withSecretFiles", () => {
  it("reads each secret from the file its _FILE variable names, trimmed, and drops the _FILE variable", () => {
    const env = withSecretFiles({
      OUTLOOK_CLIENT_SECRET_FILE: secretFile("client-secret", "s3cr3t-from-file\n"),
      PLATFORM_JWT_SECRET_FILE: secretFile("jwt", "  jwt-secret-from-file  \n"),
      PORT: "3000",
    });
    expect(env).toEqual({
      OUTLOOK_CLIENT_SECRET: "s3cr3t-from-file",
      PLATFORM_JWT_SECRET: "jwt-secret-from-file",
      PORT: "3000",
    });
  });

  it("names the variable whose file cannot be read", () => {
    const read = () => withSecretFiles({ TOKEN_ENCRYPTION_KEY_FILE: join(directory, "missing") });
    expect(read).toThrow(InvalidSecretFileError);
    expect(read).toThrow(/TOKEN_ENCRYPTION_KEY_FILE: cannot read .*missing \(ENOENT\)/);
  });

  it("refuses a secret given both ways", () => {
    expect(() =>
      withSecretFiles({ DATABASE_URL: "postgres://a", DATABASE_URL_FILE: secretFile("db", "postgres://b") }),
    ).toThrow(/DATABASE_URL_FILE: set DATABASE_URL or DATABASE_URL_FILE, not both/);
  });

  it("ignores _FILE for variables that are not secrets", () => {
    expect(withSecretFiles({ PORT_FILE: secretFile("port", "1") })).toEqual({ PORT_FILE: expect.any(String) });
  });
});

describe("productionUrlIssues", () => {
  it("refuses plain http to another machine and accepts https and localhost", () => {
    expect(
      productionUrlIssues({
        OUTLOOK_REDIRECT_URI: "http://agenda.example.com/calendar/callback/outlook",
        BACKEND_URL: "http://10.0.0.5:3000",
        PLATFORM_JWKS_URL: "https://platform.example.com/.well-known/jwks.json",
        OUTLOOK_NOTIFICATION_URL: "http://localhost:3000",
      }).map((issue) => issue.variable),
    ).toEqual(["OUTLOOK_REDIRECT_URI", "BACKEND_URL"]);
    expect(
      productionUrlIssues({
        OUTLOOK_REDIRECT_URI: "http://127.0.0.1:3000/calendar/callback/outlook",
        BACKEND_URL: "https://agenda.example.com",
      }),
    ).toEqual([]);
  });
});
