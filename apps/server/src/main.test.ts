import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runServerExpectingFailure, startServerProcess } from "@agenda/testing/server-process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("the server process on the embedded defaults", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "agenda-main-test-"));
    // Embedded PostgreSQL runs as the `postgres` user when tests run as root.
    await chmod(dataDir, 0o755);
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  // Three full boots of the product (PostgreSQL, migrations, job queue, sandbox): slow on a loaded 2-core machine.
  it(
    "starts its own PostgreSQL, refuses a second instance, and keeps the data across a restart",
    { timeout: 120_000 },
    async () => {
      const env = { DATA_DIR: dataDir, DEMO_MODE: "true", DATABASE_URL: "" };
      const first = await startServerProcess(env);
      try {
        expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
        expect((await fetch(`${first.url}/demo`)).status).toBe(200);
        const signIn = await fetch(`${first.url}/api/demo/sign-in`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: "lea.martin@formation.demo" }),
        });
        const { token } = (await signIn.json()) as { token: string };
        const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
        const created = await fetch(`${first.url}/api/calendar/events`, {
          method: "POST",
          headers,
          body: JSON.stringify({
            title: "Survit au redémarrage",
            startsAt: "2026-12-03T10:00:00Z",
            endsAt: "2026-12-03T11:00:00Z",
          }),
        });
        expect(created.status).toBe(201);

        const second = await runServerExpectingFailure(env);
        expect(second.code).not.toBe(0);
        expect(second.output).toContain("Agenda is already running");
      } finally {
        await first.stop();
      }
      expect(existsSync(join(dataDir, "agenda.pid")), first.output()).toBe(false);

      const restarted = await startServerProcess(env);
      try {
        const signIn = await fetch(`${restarted.url}/api/demo/sign-in`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: "lea.martin@formation.demo" }),
        });
        const { token } = (await signIn.json()) as { token: string };
        const listed = await fetch(
          `${restarted.url}/api/calendar/events?from=2026-12-01T00:00:00Z&to=2026-12-31T00:00:00Z`,
          { headers: { authorization: `Bearer ${token}` } },
        );
        const { events } = (await listed.json()) as { events: { title: string }[] };
        expect(events.map(({ title }) => title)).toContain("Survit au redémarrage");
      } finally {
        await restarted.stop();
      }
    },
  );

  it("refuses to boot on an invalid variable and names it", async () => {
    const result = await runServerExpectingFailure({ DATA_DIR: dataDir, PORT: "eighty" });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/Invalid configuration:\n\s+- PORT: /);
  });

  it("refuses to boot outside demo mode without a way to verify platform tokens", async () => {
    const result = await runServerExpectingFailure({ DATA_DIR: dataDir, DEMO_MODE: "false" });
    expect(result.code).toBe(1);
    expect(result.output).toContain("PLATFORM_JWT_SECRET");
  });
});
