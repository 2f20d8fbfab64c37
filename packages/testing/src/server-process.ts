import { fileURLToPath } from "node:url";
import { spawnProduct, type ProductProcess } from "./product-process";

const serverMain = fileURLToPath(new URL("../../../apps/server/src/main.ts", import.meta.url));

export interface ServerProcess extends ProductProcess {
  url: string;
}

/** Starts the real server (`apps/server/src/main.ts`) as `npm start` runs it, on a free port; resolves once it prints its URL. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const server = spawnProduct(serverMain, { PORT: "0", ...env });
  const [, url] = await server.printed(/running at (https?:\/\/[^\s"]+)/, "the server");
  return { ...server, url: url ?? "" };
}

/** Runs the server expecting it to refuse to start; resolves with its exit code and output. */
export async function runServerExpectingFailure(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const server = spawnProduct(serverMain, { PORT: "0", ...env });
  // A server that starts after all is stopped: the failing test then ends at once and leaves no server behind.
  server.printed(/running at/, "the server").then(
    () => server.stop(),
    () => undefined,
  );
  return { code: await server.exited, output: server.output() };
}
