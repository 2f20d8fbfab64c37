// `npm test`: typecheck, lint and every workspace's tests through turbo, against ONE real PostgreSQL started here
// for the whole run (each test file still gets a database of its own), then one closing line adding them up.
import { spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedPostgres } from "@agenda/db/embedded";
import { concludeRun } from "./vitest-reports";

const workDir = await mkdtemp(join(tmpdir(), "agenda-npm-test-"));
// The cluster runs as the `postgres` system user when tests run as root: it must reach its data directory.
await chmod(workDir, 0o755);
const reportDir = join(workDir, "reports");
const cluster = await startEmbeddedPostgres({ dataDir: join(workDir, "postgres"), disposable: true });

let exitCode = 1;
try {
  exitCode = await new Promise<number>((resolve) => {
    const turbo = spawn(
      "npx",
      [
        "turbo",
        "run",
        "typecheck",
        "lint",
        "//#format:check",
        "test",
        "--continue",
        "--concurrency=3",
        "--output-logs=errors-only",
        ...process.argv.slice(2),
      ],
      {
        stdio: "inherit",
        env: {
          ...process.env,
          AGENDA_TEST_POSTGRES_URL: cluster.adminUrl,
          AGENDA_TEST_REPORT_DIR: reportDir,
          TURBO_TELEMETRY_DISABLED: "1",
          TURBO_NO_UPDATE_NOTIFIER: "1",
        },
      },
    );
    turbo.on("exit", (code) => resolve(code ?? 1));
  });
} finally {
  await cluster.stop();
}

const code = await concludeRun(reportDir, exitCode, "A typecheck, lint or test task failed (see above).");
await rm(workDir, { recursive: true, force: true });
process.exit(code);
