import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startDemoProduct } from "@agenda/testing/demo-product";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    agendaUrl: string;
    sandboxUrl: string;
  }
}

const builtTaskpane = fileURLToPath(new URL("../../dist/taskpane.html", import.meta.url));

/** One real server for the whole end-to-end run, serving the built taskpane under /addin/, as `npm start` runs it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(builtTaskpane))
    throw new Error("apps/outlook-addin/dist is missing: `npm run test:e2e -w @agenda/outlook-addin` builds it first");
  const product = await startDemoProduct("addin-e2e");
  project.provide("agendaUrl", product.url);
  project.provide("sandboxUrl", product.sandboxUrl);
  return product.stop;
}
