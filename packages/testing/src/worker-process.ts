import { fileURLToPath } from "node:url";
import { spawnProduct, type ProductProcess } from "./product-process";

const workerMain = fileURLToPath(new URL("../../../apps/worker/src/main.ts", import.meta.url));

/** A sync worker (`apps/worker/src/main.ts`) in a process of its own; resolves once it takes jobs. */
export async function startWorkerProcess(env: Record<string, string>): Promise<ProductProcess> {
  const worker = spawnProduct(workerMain, env);
  await worker.printed(/is taking jobs/, "the worker");
  return worker;
}
