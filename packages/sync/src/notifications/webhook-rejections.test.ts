import { randomUUID } from "node:crypto";
import { auditLog } from "@agenda/db/schema";
import { useTestDatabase } from "@agenda/testing/database";
import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { capturingLogger } from "@agenda/observability/capturing-logger";
import { WebhookRejections, type RejectedItem } from "./webhook-rejections";

const database = useTestDatabase();
const PERIOD_MS = 1_000;

const reports = async () =>
  (
    await database()
      .db.select()
      .from(auditLog)
      .where(eq(auditLog.action, "outlook.notification_rejected"))
      .orderBy(asc(auditLog.id))
  ).map(({ detail }) => detail);
const forged = (count: number, reason: RejectedItem["reason"] = "unknown_subscription"): RejectedItem[] =>
  Array.from({ length: count }, () => ({ subscriptionId: randomUUID(), reason }));

describe("webhook rejections", () => {
  it("reports a reason at once after a quiet period, then at most once a period, with the count since its last report", async () => {
    const { logger, lines } = capturingLogger("warn");
    const rejections = new WebhookRejections(database().db, logger, PERIOD_MS);
    try {
      await rejections.record("notifications", forged(3));
      expect(await reports()).toEqual([expect.objectContaining({ reason: "unknown_subscription", count: 3 })]);

      for (let request = 0; request < 40; request++) await rejections.record("lifecycle", forged(5));
      await rejections.record("notifications", forged(2, "client_state_mismatch"));
      expect((await reports()).map((detail) => [detail?.reason, detail?.count])).toEqual([
        ["unknown_subscription", 3],
        ["client_state_mismatch", 2],
      ]);

      await new Promise((resolve) => setTimeout(resolve, PERIOD_MS + 300));
      const [, , late] = await reports();
      expect(late).toMatchObject({ reason: "unknown_subscription", count: 200 });
      expect(late?.subscriptionIds).toHaveLength(5);
      expect(lines.filter((line) => line.includes("rejected"))).toHaveLength(3);
    } finally {
      await rejections.stop();
    }
  });

  it("reports what is pending when stopped", async () => {
    const rejections = new WebhookRejections(database().db, capturingLogger("warn").logger, PERIOD_MS);
    await rejections.record("notifications", forged(1, "client_state_mismatch"));
    const reported = (await reports()).length;
    await rejections.record("notifications", forged(7, "client_state_mismatch"));
    await rejections.stop();
    expect((await reports()).slice(reported)).toEqual([
      expect.objectContaining({ reason: "client_state_mismatch", count: 7 }),
    ]);
  });
});
