import { describe, expect, it } from "vitest";
import type { AuditLogEntry } from "../api/trpc";
import { auditLogCsv } from "./audit-log-csv";

const entry = (overrides: Partial<AuditLogEntry>): AuditLogEntry => ({
  id: "1",
  occurredAt: "2026-12-01T09:00:00.000Z",
  action: "outlook.settings_changed",
  outcome: "success",
  actor: { kind: "user", id: "u1", label: "lea@example.test" },
  user: { id: "u1", label: "lea@example.test" },
  integrationId: "i1",
  subject: null,
  detail: { changes: { importEnabled: false } },
  requestId: "req-1",
  ...overrides,
});

describe("auditLogCsv", () => {
  it("writes a header and one quoted-as-needed row per entry", () => {
    const csv = auditLogCsv([
      entry({}),
      entry({
        action: "formation.updated",
        subject: { type: "formation", id: "f1", label: 'Excel, "avancé"\nniveau 2' },
        user: null,
        detail: null,
      }),
    ]);
    expect(
      csv.startsWith(
        "\uFEFFoccurredAt,action,outcome,actorKind,actor,userId,user,subjectType,subjectId,subject,integrationId,requestId,detail\r\n",
      ),
    ).toBe(true);
    const [, first, ...rest] = csv.slice(1).split("\r\n");
    expect(first).toBe(
      '2026-12-01T09:00:00.000Z,outlook.settings_changed,success,user,lea@example.test,u1,lea@example.test,,,,i1,req-1,"{""changes"":{""importEnabled"":false}}"',
    );
    expect(rest.join("\r\n")).toContain('formation,f1,"Excel, ""avancé""\nniveau 2",i1,req-1,');
  });

  it("keeps what others wrote from running as a spreadsheet formula", () => {
    const csv = auditLogCsv([
      entry({
        subject: { type: "formation", id: "f1", label: '=HYPERLINK("http://evil")' },
        actor: { kind: "service", id: null, label: "@crm" },
      }),
    ]);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv).toContain(",'@crm,");
  });
});
