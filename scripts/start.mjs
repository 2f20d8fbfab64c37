// `npm start`: the whole product on embedded defaults. The server starts PostgreSQL itself (unless DATABASE_URL is
// set), applies migrations, seeds the demo in demo mode, and prints its URLs.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const server = spawn(process.execPath, ["--import", "tsx", "apps/server/src/main.ts"], { cwd: root, stdio: "inherit" });

// Ctrl-C reaches the server through the terminal; a SIGTERM sent to this script alone is passed on.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => server.kill("SIGTERM"));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
