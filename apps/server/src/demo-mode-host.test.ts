import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runServerExpectingFailure, startServerProcess } from "@agenda/testing/server-process";
import { useTestDatabase } from "@agenda/testing/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const DEMO_WARNING =
  /DEMO MODE: anyone who can reach this server \(HOST=([^,]+), port \d+\) can sign in as any demo user, the admin included — never expose this/;

describe("demo mode and the interface the server listens on", () => {
  const database = useTestDatabase();
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "agenda-demo-host-test-"));
    await chmod(dataDir, 0o755);
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  // No Azure app and no DEMO_MODE in the environment: demo mode would turn itself on.
  const implicitDemo = () => ({
    DATA_DIR: dataDir,
    DATABASE_URL: database().url,
    DEMO_MODE: "",
    OUTLOOK_CLIENT_ID: "",
  });

  it("refuses to start in demo mode it was not asked for on a public HOST, and says what to do", async () => {
    const { code, output } = await runServerExpectingFailure({ ...implicitDemo(), HOST: "0.0.0.0" });
    expect(code).toBe(1);
    expect(output).toMatch(
      /- HOST: 0\.0\.0\.0 is not a loopback address, and demo mode .* set DEMO_MODE=true to run demo mode there on purpose/,
    );
    expect(output).not.toMatch(/running at/);
  });

  it(
    "starts on a public HOST with DEMO_MODE=true, warning that anyone reaching it can sign in",
    { timeout: 90_000 },
    async () => {
      const server = await startServerProcess({ ...implicitDemo(), HOST: "0.0.0.0", DEMO_MODE: "true" });
      try {
        const signIn = await fetch(`${server.url}/api/demo/sign-in`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: "camille.dubois@formation.demo" }),
        });
        expect(signIn.status).toBe(200);
        await server.printed(DEMO_WARNING, "the demo mode warning");
        expect(DEMO_WARNING.exec(server.output())?.[1]).toBe("0.0.0.0");
      } finally {
        await server.stop();
      }
    },
  );

  it("warns the same way when demo mode turns itself on, on loopback", { timeout: 90_000 }, async () => {
    const server = await startServerProcess({ ...implicitDemo(), HOST: "127.0.0.1" });
    try {
      await server.printed(DEMO_WARNING, "the demo mode warning");
      expect(DEMO_WARNING.exec(server.output())?.[1]).toBe("127.0.0.1");
    } finally {
      await server.stop();
    }
  });
});
