import { useTestDatabase } from "@agenda/testing/database";
import { describe, expect, it } from "vitest";
import { capturingLogger } from "./capturing-logger";
import { checkReadiness, databaseCheck, queueCheck } from "./readiness";

describe("checkReadiness", () => {
  const database = useTestDatabase();

  it("names a failing check and a fixed reason, never the error's text, which goes to the operator's log", async () => {
    const { logger, lines } = capturingLogger();
    const raw = "password authentication failed for user agenda at 10.0.0.5";
    const vault = { name: "vault", check: () => Promise.reject(new Error(raw)) };
    const report = await checkReadiness([databaseCheck(database().db), vault], logger);
    expect(report).toEqual({
      ready: false,
      checks: { database: { ok: true }, vault: { ok: false, reason: "unreachable" } },
    });
    expect(JSON.stringify(report)).not.toContain("password authentication failed");
    expect(JSON.stringify(report)).not.toContain("10.0.0.5");
    expect(lines.map((line) => JSON.parse(line) as unknown)).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: "readiness check failed",
        check: "vault",
        reason: "unreachable",
        err: expect.objectContaining({ message: raw }),
      }),
    );
  });

  it("says which check did not answer in time, and which stopped", async () => {
    const { logger } = capturingLogger();
    const hanging = { name: "hanging", check: () => new Promise<void>(() => {}) };
    const report = await checkReadiness([hanging, queueCheck({ accepting: false })], logger);
    expect(report.checks).toEqual({
      hanging: { ok: false, reason: "timeout" },
      queue: { ok: false, reason: "stopped" },
    });
  });
});
