// `npm start`: the whole product on embedded defaults. The server starts PostgreSQL itself (unless DATABASE_URL is
// set), applies migrations, and in demo mode seeds the demo and runs the Microsoft sandbox, then prints its URLs.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_TLS_DIR, ensureSandboxCertificates } from "@agenda/microsoft-sandbox";

const root = fileURLToPath(new URL("..", import.meta.url));

// The server serves the web app from apps/web/dist and the Outlook add-in from apps/outlook-addin/dist: build them
// first (turbo replays its cache when nothing changed). `--only`: the workspaces they depend on have nothing to build.
const build = spawnSync(
  "npx",
  [
    "turbo",
    "run",
    "build",
    "--filter=@agenda/web",
    "--filter=@agenda/outlook-addin",
    "--only",
    "--output-logs=errors-only",
  ],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", TURBO_NO_UPDATE_NOTIFIER: "1" },
  },
);
if (build.status !== 0) {
  console.error("Building the web app or the Outlook add-in failed (see above): npm start stops here.");
  process.exit(build.status ?? 1);
}

// Node reads NODE_EXTRA_CA_CERTS once, at start: the sandbox's CA must exist before the server process does.
const { caCertPath } = await ensureSandboxCertificates(process.env.SANDBOX_TLS_DIR ?? DEFAULT_TLS_DIR);
const server = spawn(process.execPath, ["--import", "tsx", join(root, "apps/server/src/main.ts")], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, NODE_EXTRA_CA_CERTS: caCertPath },
});

// Ctrl-C reaches the server through the terminal; a SIGTERM sent to this script alone is passed on.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => server.kill("SIGTERM"));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
