// `npm run test:e2e`: the end-to-end tests (the web app in headless Chromium against the real server) of every
// workspace that has them, through turbo, then one closing line adding them up, as `npm test` ends.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { concludeRun } from "./vitest-reports";

const reportDir = await mkdtemp(join(tmpdir(), "agenda-e2e-reports-"));
const exitCode = await new Promise<number>((resolve) => {
  // One workspace at a time: each starts a server and a Chromium, too much at once for a 2-core machine.
  const turbo = spawn(
    "npx",
    ["turbo", "run", "test:e2e", "--concurrency=1", "--output-logs=full", ...process.argv.slice(2)],
    {
      stdio: "inherit",
      env: {
        ...process.env,
        AGENDA_TEST_REPORT_DIR: reportDir,
        TURBO_TELEMETRY_DISABLED: "1",
        TURBO_NO_UPDATE_NOTIFIER: "1",
      },
    },
  );
  turbo.on("exit", (code) => resolve(code ?? 1));
});

const code = await concludeRun(reportDir, exitCode, "An end-to-end task failed before its tests ran (see above).");
await rm(reportDir, { recursive: true, force: true });
process.exit(code);
