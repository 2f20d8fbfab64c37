import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";

interface VitestJsonReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults: Array<{
    name: string;
    status: string;
    message?: string;
    assertionResults: Array<{ status: string; fullName: string; failureMessages?: string[] }>;
  }>;
}

/**
 * Adds up the vitest JSON reports the workspaces wrote into `dir` (see vitest.shared.ts), names every failed test
 * with its message, prints the closing `N passed, N failed` line, and gives the exit code of the whole run: turbo's
 * when it failed, 1 when a report counts a failure turbo did not see. A file whose setup failed (a browser that would
 * not start) skips its tests and may leave vitest's exit code at 0: it counts as one failure.
 */
export async function concludeRun(dir: string, turboExitCode: number, whatElseFailed: string): Promise<number> {
  let passed = 0;
  let failed = 0;
  for (const file of await readdir(dir).catch(() => [] as string[])) {
    const report = JSON.parse(await readFile(join(dir, file), "utf8")) as VitestJsonReport;
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    for (const result of report.testResults) {
      if (result.status === "failed" && result.assertionResults.every(({ status }) => status !== "failed")) {
        failed++;
        console.error(
          `failed: ${result.name}\n  ${(result.message ?? "its setup failed").slice(0, 1500).replaceAll("\n", "\n  ")}`,
        );
      }
      for (const test of result.assertionResults.filter(({ status }) => status === "failed")) {
        console.error(
          `failed: ${result.name} > ${test.fullName}\n  ${(test.failureMessages ?? []).join("\n").slice(0, 1500).replaceAll("\n", "\n  ")}`,
        );
      }
    }
  }
  if (turboExitCode !== 0 && failed === 0) console.error(whatElseFailed);
  console.log(`${passed} passed, ${failed} failed`);
  return turboExitCode !== 0 ? turboExitCode : failed > 0 ? 1 : 0;
}
