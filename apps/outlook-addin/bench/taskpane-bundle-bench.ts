// Benchmark of the Outlook add-in: JavaScript the taskpane ships, gzipped (office.js aside, which Microsoft's CDN or
// the server serves on its own). Target: under 200 KB for what the page loads at start. MSAL (msal-browser, loaded on
// demand at the first Microsoft sign-in, never in demo mode) is reported apart: it comes on top outside demo mode.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const TARGET_BYTES = 200 * 1024;
const dist = fileURLToPath(new URL("../dist/", import.meta.url));

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const gzipped = async (file: string) => gzipSync(await readFile(join(dist, file))).length;

const page = await readFile(join(dist, "taskpane.html"), "utf8");
// What the page loads before anything runs: its module entry and the chunks Vite preloads with it.
const atStart = [...page.matchAll(/(?:src|href)="\/addin\/(assets\/[^"]+\.js)"/g)].map(([, file]) => file ?? "");
const everything = (await readdir(join(dist, "assets"))).filter((file) => file.endsWith(".js")).map((file) => `assets/${file}`);

let startBytes = 0;
let totalBytes = 0;
for (const file of everything) {
  const bytes = await gzipped(file);
  totalBytes += bytes;
  if (atStart.includes(file)) startBytes += bytes;
  console.log(`  ${file.padEnd(40)} ${kb(bytes).padStart(10)}${atStart.includes(file) ? "  (at start)" : "  (on demand)"}`);
}
console.log(`Taskpane JavaScript, gzipped: ${kb(startBytes)} at start (target < ${kb(TARGET_BYTES)}), ${kb(totalBytes)} with MSAL's on-demand chunk`);
if (startBytes >= TARGET_BYTES) {
  console.error(`Over target: ${kb(startBytes)} ≥ ${kb(TARGET_BYTES)}`);
  process.exitCode = 1;
}
