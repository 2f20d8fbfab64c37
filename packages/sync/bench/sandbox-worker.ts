/**
 * The Microsoft sandbox of a benchmark, on a thread of its own: its CPU is not the sync's, and its heap (every
 * seeded event) stays out of the heap the benchmarks measure, as a remote Outlook would.
 */
import { parentPort, workerData } from "node:worker_threads";
import { startSandbox, type SandboxOptions } from "@agenda/microsoft-sandbox";

const sandbox = await startSandbox(workerData as SandboxOptions);
parentPort?.postMessage({ url: sandbox.url });
parentPort?.on("message", (message: unknown) => {
  if (message !== "stop") return;
  void sandbox.stop().then(() => parentPort?.close());
});
