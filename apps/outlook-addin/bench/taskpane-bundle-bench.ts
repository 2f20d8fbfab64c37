// Benchmark of the Outlook add-in: JavaScript the taskpane ships, gzipped (office.js aside, which Microsoft's CDN or
// the server serves on its own). Target: under 200 KB for everything the taskpane can load: its start, plus MSAL's
// chunk that Nested App Authentication loads on demand (every open outside demo mode). The sign-in dialog, a page of
// its own opened only where Outlook has no NAA, is reported apart.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const TARGET_BYTES = 200 * 1024;
const dist = fileURLToPath(new URL("../dist/", import.meta.url));

interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
}
const manifest = JSON.parse(await readFile(join(dist, ".vite/manifest.json"), "utf8")) as Record<string, ManifestChunk>;

/** The JavaScript files a page entry loads: statically, or also what it imports on demand. */
function filesOf(entry: string, onDemand: boolean, seen = new Set<string>()): Set<string> {
  const chunk = manifest[entry];
  if (!chunk || seen.has(entry)) return new Set();
  seen.add(entry);
  const next = [...(chunk.imports ?? []), ...(onDemand ? (chunk.dynamicImports ?? []) : [])];
  return new Set(
    [chunk.file, ...next.flatMap((key) => [...filesOf(key, onDemand, seen)])].filter((file) => file.endsWith(".js")),
  );
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const gzipped = async (files: Iterable<string>) => {
  let bytes = 0;
  for (const file of files) bytes += gzipSync(await readFile(join(dist, file))).length;
  return bytes;
};

const atStart = filesOf("taskpane.html", false);
const startBytes = await gzipped(atStart);
for (const file of atStart) console.log(`  ${file.padEnd(40)} ${kb(await gzipped([file])).padStart(10)}  (at start)`);
console.log(`Taskpane at start (demo mode): ${kb(startBytes)}`);

// Each on-demand import is one way the pane signs in (NAA's MSAL, the dialog's token source): a person loads one.
const onDemand = [
  ...new Set(
    [...atStart].flatMap((file) =>
      Object.values(manifest)
        .filter((chunk) => chunk.file === file)
        .flatMap((chunk) => chunk.dynamicImports ?? []),
    ),
  ),
];
let worstBytes = startBytes;
for (const key of onDemand) {
  const branch = new Set([...atStart, ...filesOf(key, false)]);
  const bytes = await gzipped(branch);
  worstBytes = Math.max(worstBytes, bytes);
  console.log(`Taskpane with ${manifest[key]?.file ?? key} (on demand, ${kb(bytes - startBytes)}): ${kb(bytes)}`);
}
console.log(
  `Taskpane JavaScript, gzipped: ${kb(startBytes)} at start, ${kb(worstBytes)} at most once signed in — target < ${kb(TARGET_BYTES)}`,
);
if (manifest["sign-in.html"])
  console.log(
    `Sign-in dialog (where Outlook has no NAA, a page of its own): ${kb(await gzipped(filesOf("sign-in.html", true)))}`,
  );
if (worstBytes >= TARGET_BYTES) {
  console.error(`Over target: ${kb(worstBytes)} ≥ ${kb(TARGET_BYTES)}`);
  process.exitCode = 1;
}
