/**
 * `npm run bench -w @agenda/sync`: runs every `bench/*.bench.ts` in turn, each in a process of its own that trusts
 * the sandbox's CA (Node reads NODE_EXTRA_CA_CERTS only at start) and may call `gc()` to measure retained heap.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { DEFAULT_TLS_DIR, ensureSandboxCertificates } from "@agenda/microsoft-sandbox";

const here = fileURLToPath(new URL(".", import.meta.url));
const only = process.argv.slice(2);
const benches = (await readdir(here))
  .filter((file) => file.endsWith(".bench.ts") && (only.length === 0 || only.some((name) => file.includes(name))))
  .sort();
const { caCertPath } = await ensureSandboxCertificates(DEFAULT_TLS_DIR);

let failed = 0;
for (const bench of benches) {
  console.log(`\n=== ${bench} ===`);
  const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", `${here}${bench}`], {
    stdio: "inherit",
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caCertPath },
  });
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) failed++;
}
process.exitCode = failed > 0 ? 1 : 0;
