import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startDemoProduct } from "@agenda/testing/demo-product";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    agendaUrl: string;
    /** The server's database, for what a test must arrange behind the product's back (a job that failed for good). */
    agendaDatabaseUrl: string;
    /** The Microsoft sandbox the server runs, whose admin API acts as the mailbox owner in Outlook. */
    sandboxUrl: string;
  }
}

const builtIndex = fileURLToPath(new URL("../../dist/index.html", import.meta.url));

/** One real server for the whole end-to-end run, serving the built web app, as `npm start` runs it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(builtIndex))
    throw new Error("apps/web/dist is missing: `npm run test:e2e -w @agenda/web` builds it first");
  const product = await startDemoProduct("web-e2e");
  project.provide("agendaUrl", product.url);
  project.provide("agendaDatabaseUrl", product.databaseUrl);
  project.provide("sandboxUrl", product.sandboxUrl);
  return product.stop;
}
