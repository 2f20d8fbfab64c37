import { appRouter } from "@agenda/api";
import { useTestDatabase } from "@agenda/testing/database";
import { useSandbox } from "@agenda/testing/sandbox";
import fc from "fast-check";
import type { z } from "zod";
import { afterAll, describe, expect, it } from "vitest";
import { ACCESS_TABLE } from "./access-table";
import { SANDBOX_MAILBOXES, useCallerWorld, type CallerKind, type ProcedureType } from "./caller-world";
import { inputsFor } from "./hostile-inputs";

const database = useTestDatabase();
const sandbox = useSandbox(SANDBOX_MAILBOXES);
const world = useCallerWorld(database, sandbox);
let calls = 0;
let previous = "";

/** Generated inputs per procedure and door; the seed makes a failure reproducible (FUZZ_SEED=… to replay another). */
const RUNS = 40;
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_206);
/** Node refuses request heads over 16 KB itself, before any code of ours runs: URLs stay well under that. */
const MAX_URL_CHARS = 8_000;

afterAll(() => console.info(`input fuzz: ${calls} generated calls over HTTP (seed ${SEED})`));

const procedures = appRouter._def.procedures as unknown as Record<
  string,
  { _def: { type: ProcedureType; inputs: z.ZodType[] } }
>;

/** Fuzzed as someone the procedure lets through, so the input reaches validation and the domain behind it. */
function callerFor(path: string): CallerKind {
  const expect = ACCESS_TABLE[path]?.expect;
  const allowed = (["admin", "serviceReaderWriter", "serviceUserAdministrator", "learner"] as const).find(
    (kind) => expect?.[kind] === "ok",
  );
  return allowed ?? "admin";
}

type Refusal = { error?: { message?: unknown; code?: unknown; data?: { appCode?: unknown } } };

/** What is wrong with an answer: a 5xx, or a refusal that is not a typed 4xx with a message. Nothing when fine. */
function flaw(status: number, body: Refusal | undefined, door: "tRPC" | "REST"): string | undefined {
  if (status >= 500) return `answered ${status}`;
  if (status < 400) return undefined;
  const code = door === "tRPC" ? body?.error?.data?.appCode : body?.error?.code;
  const message = body?.error?.message;
  if (typeof code !== "string" || typeof message !== "string" || message.length === 0)
    return `refused ${status} without a typed error: ${String(JSON.stringify(body)).slice(0, 200)}`;
  return undefined;
}

async function send(url: string, init: RequestInit, door: "tRPC" | "REST"): Promise<string | undefined> {
  calls++;
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    return `connection error: ${(error as Error).cause ?? error} (previous: ${previous})`;
  }
  previous = `${init.method ?? "GET"} ${url.slice(0, 80)} ${init.body ? String(init.body).length : 0}B -> ${response.status} ${response.headers.get("connection")}`;
  const text = await response.text();
  let body: Refusal | undefined;
  try {
    body = text ? (JSON.parse(text) as Refusal) : undefined;
  } catch {
    body = undefined;
  }
  return flaw(response.status, body, door);
}

describe("every procedure's input, fuzzed over HTTP", () => {
  for (const [path, procedure] of Object.entries(procedures)) {
    const type = procedure._def.type;
    if (type === "subscription") continue;
    it(
      `${path}: no 5xx, every refusal a typed 4xx with a message, no connection error`,
      { timeout: 180_000 },
      async () => {
        const caller = world().caller(callerFor(path));
        const headers = { ...caller.headers, "content-type": "application/json" };
        const inputs = fc.sample(inputsFor(procedure._def.inputs[0]), { numRuns: RUNS, seed: SEED });
        const flaws: string[] = [];
        for (const input of inputs) {
          const json = JSON.stringify(input) ?? "null";
          const shown = json.slice(0, 120);
          const url = `${world().url}/trpc/${path}?input=${encodeURIComponent(json)}`;
          if (type === "query" && url.length <= MAX_URL_CHARS) {
            const problem = await send(url, { headers }, "tRPC");
            if (problem) flaws.push(`tRPC ${path} ${shown}: ${problem}`);
          } else if (type === "mutation") {
            const problem = await send(`${world().url}/trpc/${path}`, { method: "POST", headers, body: json }, "tRPC");
            if (problem) flaws.push(`tRPC ${path} ${shown}: ${problem}`);
          }
          for (const door of ACCESS_TABLE[path]?.rest ?? []) {
            const request = door.request(input);
            if (new URL(request.path, world().url).href.length > MAX_URL_CHARS) continue;
            const body = request.body === undefined ? undefined : JSON.stringify(request.body);
            const problem = await send(`${world().url}${request.path}`, { method: door.method, headers, body }, "REST");
            if (problem) flaws.push(`${door.method} ${door.route} ${shown}: ${problem}`);
          }
        }
        expect(flaws).toEqual([]);
      },
    );
  }
});
