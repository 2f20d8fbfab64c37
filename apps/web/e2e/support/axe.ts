import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { AxeResults } from "axe-core";
import type { Page } from "playwright-core";

const axeSourcePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

export interface Violation {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/** Runs axe-core in the page as it is now and returns the serious and critical violations it finds. */
export async function seriousAccessibilityViolations(page: Page): Promise<Violation[]> {
  // Evaluated through the debugging protocol: the product's CSP forbids inline scripts, as it should.
  await page.evaluate(await readFile(axeSourcePath, "utf8"));
  const results = await page.evaluate(() => (window as unknown as { axe: { run(): Promise<AxeResults> } }).axe.run());
  return results.violations
    .filter(({ impact }) => impact === "serious" || impact === "critical")
    .map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      targets: nodes.slice(0, 5).map(({ target }) => target.join(" ")),
    }));
}
