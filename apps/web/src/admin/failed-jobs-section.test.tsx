import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { AdminIntegration } from "../api/trpc";
import { failedJob, outlookIntegration } from "../test-support/fixtures";
import { FailedJobsTable } from "./failed-jobs-section";

const lea: AdminIntegration = {
  ...outlookIntegration(),
  user: { id: "u1", email: "lea.martin@formation.demo", name: "Léa Martin" },
  attention: [],
};

describe("FailedJobsTable", () => {
  it("names whose mailbox each job was for, how often it was tried and why it failed, and retries it", async () => {
    const onRetry = vi.fn();
    const jobs = [
      failedJob(),
      failedJob({
        id: "j2",
        queue: "outlook-export",
        integrationId: "gone",
        retryCount: 2,
        error: null,
        failedAt: null,
      }),
    ];
    render(
      <FailedJobsTable jobs={jobs} integrations={[lea]} timeZone="Europe/Paris" retryingId={null} onRetry={onRetry} />,
    );

    const [, first, second] = screen.getAllByRole("row");
    expect(
      within(first as HTMLElement)
        .getAllByRole("cell")
        .map((cell) => cell.textContent?.replace(/\s/g, " ")),
    ).toEqual([
      "Import",
      "5",
      "Graph answered 503",
      "24 nov. 2026, 11:20",
      "Relancer : Léa Martin (lea.martin@formation.demo)",
    ]);
    expect(within(second as HTMLElement).getByRole("rowheader").textContent).toBe("Intégration gone");
    expect(within(second as HTMLElement).getAllByRole("cell")[0]?.textContent).toBe("Export");

    await userEvent.click(screen.getByRole("button", { name: "Relancer : Léa Martin (lea.martin@formation.demo)" }));
    expect(onRetry).toHaveBeenCalledWith(jobs[0]);
  });

  it("says when nothing failed", () => {
    render(
      <FailedJobsTable jobs={[]} integrations={[]} timeZone="Europe/Paris" retryingId={null} onRetry={() => {}} />,
    );
    expect(screen.getByText("Aucune tâche en échec.")).toBeTruthy();
  });
});
