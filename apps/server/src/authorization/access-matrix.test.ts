import { appRouter } from "@agenda/api";
import { useTestDatabase } from "@agenda/testing/database";
import { useSandbox } from "@agenda/testing/sandbox";
import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../app";
import { ACCESS_TABLE, PUBLIC_NON_PROCEDURE_ROUTES, type Expected, type ProcedureAccess } from "./access-table";
import {
  CALLER_KINDS,
  callProcedure,
  callRest,
  SANDBOX_MAILBOXES,
  useCallerWorld,
  type Answer,
  type Caller,
  type Ownership,
  type ProcedureType,
} from "./caller-world";

const database = useTestDatabase();
const sandbox = useSandbox(SANDBOX_MAILBOXES);
const world = useCallerWorld(database, sandbox);
let cases = 0;

afterAll(() => console.info(`authorization matrix: ${cases} cases (procedure × door × caller × owned/foreign data)`));

/** Every procedure of the router, by its dotted path, as tRPC keeps them. */
const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: ProcedureType } }>;

function outcomeMatches(answer: Answer, expected: Expected): boolean {
  if (expected === "ok") return answer.status >= 200 && answer.status < 300;
  return answer.status === expected[0] && answer.appCode === expected[1];
}

function describeAnswer(answer: Answer): string {
  return answer.status < 300 ? `${answer.status}` : `${answer.status} ${answer.appCode ?? "(no code)"}`;
}

/** Runs one cell: the call through every door of the procedure, each compared with the table. */
async function runCase(path: string, access: ProcedureAccess, caller: Caller, ownership: Ownership): Promise<string[]> {
  const expectation = access.expect[caller.kind];
  const expected =
    typeof expectation === "object" && !Array.isArray(expectation)
      ? (expectation as { owned: Expected; foreign: Expected })[ownership]
      : (expectation as Expected);
  const mismatches: string[] = [];
  const doors: Array<{ name: string; call: (input: unknown) => Promise<Answer> }> = [
    {
      name: "tRPC",
      call: (input) => callProcedure(world().url, procedures[path]?._def.type ?? "query", path, input, caller.headers),
    },
    ...(access.rest ?? []).map((door) => ({
      name: `${door.method} ${door.route}`,
      call: (input: unknown) => {
        const request = door.request(input);
        return callRest(world().url, door.method, request.path, request.body, caller.headers);
      },
    })),
  ];
  for (const door of doors) {
    cases++;
    const input = access.input ? await access.input(world(), caller, ownership) : undefined;
    const listed =
      access.lists && expected === "ok"
        ? {
            owned: await access.lists.itemOf(world(), caller.owner),
            foreign: await access.lists.itemOf(world(), caller.foreign),
          }
        : undefined;
    const answer = await door.call(input);
    const where = `${path} via ${door.name} as ${caller.kind} on ${ownership} data`;
    if (!outcomeMatches(answer, expected))
      mismatches.push(
        `${where}: expected ${expected === "ok" ? "2xx" : expected.join(" ")}, got ${describeAnswer(answer)}`,
      );
    if (listed && access.lists && answer.status < 300 && door.name === "tRPC") {
      const ids = access.lists.ids(answer.data);
      if (!ids.includes(listed.owned)) mismatches.push(`${where}: its own item is not listed`);
      const seesOthers = access.lists.seesOthers.includes(caller.kind);
      if (ids.includes(listed.foreign) !== seesOthers)
        mismatches.push(`${where}: another person's item is ${seesOthers ? "missing" : "listed"}`);
    }
    if (answer.status < 300 && access.restore) await access.restore(world(), caller);
  }
  return mismatches;
}

describe("the authorization matrix", () => {
  it("has a row for every procedure of the router, and only for those", () => {
    expect(Object.keys(ACCESS_TABLE).sort()).toEqual(Object.keys(procedures).sort());
  });

  it("knows every REST door of the server: each is a procedure's in the table, or a public route with its reason", () => {
    const app = createApp({
      db: database().db,
      authenticator: { authenticate: async () => null, redeemStreamTicket: async () => "TOKEN_INVALID" },
      demo: null,
      outlook: null,
      sync: null,
      calendarFeeds: world().calendarFeeds,
    });
    const answersData = (path: string) => path.startsWith("/api/") || path.startsWith("/feeds/");
    const served = app.routes
      .filter(({ method, path }) => answersData(path) && method !== "ALL")
      .map(({ method, path }) => `${method} ${path}`);
    const declared = [
      ...Object.values(ACCESS_TABLE).flatMap(({ rest }) =>
        (rest ?? []).map(({ method, route }) => `${method} ${route}`),
      ),
      ...Object.keys(PUBLIC_NON_PROCEDURE_ROUTES),
    ];
    expect([...new Set(served)].sort()).toEqual(declared.sort());
  });

  for (const [path, access] of Object.entries(ACCESS_TABLE)) {
    // Whatever takes an input is called on the caller's own data and on another's, whatever the table expects.
    const ownerships: Ownership[] = access.input ? ["owned", "foreign"] : ["owned"];
    it(
      `${path}: every caller meets the outcome the table gives, on owned and foreign data, through every door`,
      { timeout: 180_000 },
      async () => {
        const mismatches: string[] = [];
        for (const kind of CALLER_KINDS) {
          for (const ownership of ownerships)
            mismatches.push(...(await runCase(path, access, world().caller(kind), ownership)));
        }
        expect(mismatches).toEqual([]);
      },
    );
  }
});
