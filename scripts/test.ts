// `npm test`: typecheck, lint and every workspace's tests through turbo, against ONE real PostgreSQL started here
// for the whole run (each test file still gets a database of its own), then one closing line adding them up.
import { spawn } from "node:child_process";
import { chmod, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedPostgres } from "@agenda/db/embedded";

const workDir = await mkdtemp(join(tmpdir(), "agenda-npm-test-"));
// The cluster runs as the `postgres` system user when tests run as root: it must reach its data directory.
await chmod(workDir, 0o755);
const reportDir = join(workDir, "reports");
const cluster = await startEmbeddedPostgres({ dataDir: join(workDir, "postgres"), disposable: true });

let exitCode = 1;
try {
  exitCode = await new Promise<number>((resolve) => {
    const turbo = spawn("npx", ["turbo", "run", "typecheck", "lint", "test", "--continue", "--output-logs=errors-only", ...process.argv.slice(2)], {
      stdio: "inherit",
      env: {
        ...process.env,
        AGENDA_TEST_POSTGRES_URL: cluster.adminUrl,
        AGENDA_TEST_REPORT_DIR: reportDir,
        TURBO_TELEMETRY_DISABLED: "1",
        TURBO_NO_UPDATE_NOTIFIER: "1",
      },
    });
    turbo.on("exit", (code) => resolve(code ?? 1));
  });
} finally {
  await cluster.stop();
}

let passed = 0;
let failed = 0;
const reports = await readdir(reportDir).catch(() => [] as string[]);
for (const report of reports) {
  const results = JSON.parse(await readFile(join(reportDir, report), "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    testResults: Array<{ name: string; assertionResults: Array<{ status: string; fullName: string }> }>;
  };
  passed += results.numPassedTests;
  failed += results.numFailedTests;
  for (const file of results.testResults) {
    for (const test of file.assertionResults.filter(({ status }) => status === "failed")) console.error(`failed: ${file.name} > ${test.fullName}`);
  }
}
await rm(workDir, { recursive: true, force: true });
if (exitCode !== 0 && failed === 0) console.error("A typecheck, lint or test task failed (see above).");
console.log(`${passed} passed, ${failed} failed`);
process.exit(exitCode !== 0 ? exitCode : failed > 0 ? 1 : 0);
