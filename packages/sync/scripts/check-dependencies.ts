/**
 * Part of `npm run lint`: the folders of `src/` import each other one way only. No folder imports from one that
 * imports it back (directly or through others), `import/` and `export/` never import each other (what both need
 * lives in `reconcile/` or `runs/`), and nothing outside the tests reaches into `testing/`. Tests are left out: they
 * drive an export and an import in turn to check a round trip.
 */
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const srcDir = join(packageDir, "src");
/** Folders that must not import each other, either way. */
const APART: ReadonlyArray<readonly [string, string]> = [["import", "export"]];
const ROOT = "(src)";

const isTest = (file: string) => file.endsWith(".test.ts") || folderOf(file) === "testing";

function folderOf(file: string): string {
  const parts = relative(srcDir, file).split(sep);
  return parts.length > 1 ? (parts[0] ?? ROOT) : ROOT;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : [join(dir, entry.name)])),
  );
  return nested.flat().filter((file) => file.endsWith(".ts"));
}

/** The package's own entry points (`@agenda/sync/…`, a `*` standing for any path), with the files they name. */
async function selfExports(): Promise<Array<[string, string]>> {
  const manifest = JSON.parse(await readFile(join(packageDir, "package.json"), "utf8")) as {
    name: string;
    exports: Record<string, string>;
  };
  return Object.entries(manifest.exports).map(([subpath, target]) => [
    join(manifest.name, subpath),
    join(packageDir, target),
  ]);
}

/** The file an import names, when it is a file of this package. */
function importedFile(from: string, specifier: string, entryPoints: Array<[string, string]>): string | undefined {
  if (specifier.startsWith(".")) return `${resolve(dirname(from), specifier)}.ts`;
  for (const [name, target] of entryPoints) {
    const [prefix = "", suffix] = name.split("*");
    if (suffix === undefined ? specifier === name : specifier.startsWith(prefix) && specifier.endsWith(suffix)) {
      return suffix === undefined
        ? target
        : target.replace("*", specifier.slice(prefix.length, specifier.length - suffix.length));
    }
  }
  return undefined;
}

interface Edge {
  from: string;
  to: string;
  file: string;
  specifier: string;
}

async function folderEdges(): Promise<Edge[]> {
  const entryPoints = await selfExports();
  const edges: Edge[] = [];
  for (const file of await sourceFiles(srcDir)) {
    if (isTest(file)) continue;
    const { importedFiles } = ts.preProcessFile(await readFile(file, "utf8"), true, true);
    for (const { fileName: specifier } of importedFiles) {
      const target = importedFile(file, specifier, entryPoints);
      if (!target?.startsWith(srcDir + sep)) continue;
      const [from, to] = [folderOf(file), folderOf(target)];
      if (from !== to) edges.push({ from, to, file: relative(packageDir, file), specifier });
    }
  }
  return edges;
}

/** A path of folders from `start` back to itself, if the edges hold one. */
function cycleThrough(start: string, next: Map<string, Set<string>>): string[] | undefined {
  const walk = (folder: string, path: string[], seen: Set<string>): string[] | undefined => {
    for (const to of next.get(folder) ?? []) {
      if (to === start) return [...path, to];
      if (seen.has(to)) continue;
      seen.add(to);
      const found = walk(to, [...path, to], seen);
      if (found) return found;
    }
    return undefined;
  };
  return walk(start, [start], new Set([start]));
}

const edges = await folderEdges();
const problems: string[] = [];
for (const edge of edges) {
  const named = `${edge.file} imports "${edge.specifier}"`;
  if (APART.some(([a, b]) => (edge.from === a && edge.to === b) || (edge.from === b && edge.to === a)))
    problems.push(`${named}: ${edge.from}/ and ${edge.to}/ never import each other`);
  if (edge.to === "testing") problems.push(`${named}: testing/ is for tests only`);
}
const next = new Map<string, Set<string>>();
for (const { from, to } of edges) next.set(from, (next.get(from) ?? new Set()).add(to));
const reported = new Set<string>();
for (const folder of next.keys()) {
  const cycle = cycleThrough(folder, next);
  const key = cycle && [...new Set(cycle)].sort().join();
  if (!cycle || !key || reported.has(key)) continue;
  reported.add(key);
  const witnesses = cycle.slice(1).map((to, n) => edges.find((edge) => edge.from === cycle[n] && edge.to === to));
  problems.push(
    `folders import each other in a circle: ${cycle.join(" -> ")} (${witnesses.map((edge) => `${edge?.file} imports "${edge?.specifier}"`).join("; ")})`,
  );
}

if (problems.length > 0) {
  console.error(
    `packages/sync/src: ${problems.length} import(s) against the direction of its folders:\n${problems.map((problem) => `  ${problem}`).join("\n")}`,
  );
  process.exitCode = 1;
}
