/**
 * Sandbox benchmark (`npm run bench -w @agenda/microsoft-sandbox`): the sandbox must never be the bottleneck
 * of the product's benchmarks. Measures, over HTTPS on loopback:
 *  - the sandbox time to page a 10,000-event calendarView delta to its deltaLink (target < 1 s);
 *  - simple GETs served per second (target ≥ 2,000/s).
 * Throttling is off here: it would measure Outlook's limits, not the sandbox.
 */
import { readFile } from "node:fs/promises";
import { Agent, request } from "node:https";
import { Worker } from "node:worker_threads";
import { GRAPH_AUDIENCE } from "../src/signing";
import { startSandbox } from "../src/sandbox";

const EVENTS = 10_000;
const DELTA_PAGE_SIZE = 200;
const GET_REQUESTS = 6_000;
const GET_CONCURRENCY = 16;

const sandbox = await startSandbox({
  port: 0,
  users: [{ userPrincipalName: "bench@contoso.example" }],
  graph: { throttling: { enabled: false } },
});
const ca = await readFile(sandbox.caCertPath);
const agent = new Agent({ keepAlive: true, ca });
const user = sandbox.directory.findByUserPrincipalName("bench@contoso.example");
if (!user) throw new Error("bench user missing");
const token = await sandbox.signing.sign(
  {
    oid: user.id,
    tid: user.tenantId,
    azp: "bench-app",
    scp: "Calendars.ReadWrite User.Read",
    aud: GRAPH_AUDIENCE,
    iss: `${sandbox.url}/${user.tenantId}/v2.0`,
  },
  3600,
);

function call(
  method: string,
  url: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method, agent, headers: { Authorization: `Bearer ${token}`, ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

async function seed(): Promise<string> {
  const chunk = 2_500;
  let firstId = "";
  for (let offset = 0; offset < EVENTS; offset += chunk) {
    const events = Array.from({ length: chunk }, (_, i) => {
      const n = offset + i;
      const day = String((n % 28) + 1).padStart(2, "0");
      const hour = String(8 + (n % 10)).padStart(2, "0");
      return {
        subject: `Session ${n}`,
        body: { contentType: "html", content: `<p>Formation ${n}</p>` },
        start: { dateTime: `2030-03-${day}T${hour}:00:00`, timeZone: "Romance Standard Time" },
        end: { dateTime: `2030-03-${day}T${hour}:45:00`, timeZone: "Romance Standard Time" },
        categories: ["Agenda"],
      };
    });
    const response = await call(
      "POST",
      `${sandbox.url}/admin/api/mailboxes/${user?.id}/events`,
      { "Content-Type": "application/json" },
      JSON.stringify({ events }),
    );
    if (response.status !== 201) throw new Error(`seeding failed: ${response.status} ${response.text.slice(0, 200)}`);
    firstId ||= (JSON.parse(response.text) as { value: { id: string }[] }).value[0]?.id ?? "";
  }
  return firstId;
}

async function pageDelta(): Promise<{ pages: number; items: number; wallMs: number; sandboxMs: number }> {
  sandbox.graph.requestLog.clear();
  const started = performance.now();
  let link: string | undefined =
    `${sandbox.graphBaseUrl}/me/calendarView/delta?startDateTime=2030-03-01T00:00:00Z&endDateTime=2030-04-01T00:00:00Z`;
  let pages = 0;
  let items = 0;
  for (let guard = 0; link && guard < 10_000; guard++) {
    const response = await call("GET", link, { Prefer: `odata.maxpagesize=${DELTA_PAGE_SIZE}` });
    if (response.status !== 200) throw new Error(`delta page failed: ${response.status}`);
    const page = JSON.parse(response.text) as { value: unknown[]; "@odata.nextLink"?: string };
    pages++;
    items += page.value.length;
    link = page["@odata.nextLink"];
  }
  const wallMs = performance.now() - started;
  const sandboxMs = sandbox.graph.requestLog.counters().total.totalMs;
  return { pages, items, wallMs, sandboxMs };
}

/**
 * The GET load runs in a worker thread, as a product would from its own process: generating HTTPS load on the
 * sandbox's own thread would bill the client's TLS work to the sandbox.
 */
const GET_LOAD = `
const { workerData, parentPort } = require("node:worker_threads");
const { Agent, request } = require("node:https");
const { url, token, ca, total, concurrency } = workerData;
const agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca });
let next = 0;
let failures = 0;
const get = () => new Promise((resolve, reject) => {
  const outgoing = request(url, { agent, headers: { Authorization: "Bearer " + token } }, (response) => {
    response.resume();
    response.on("end", () => resolve(response.statusCode));
  });
  outgoing.on("error", reject);
  outgoing.end();
});
const worker = async () => {
  while (next < total) {
    next++;
    if ((await get()) !== 200) failures++;
  }
};
const started = performance.now();
Promise.all(Array.from({ length: concurrency }, worker)).then(() => {
  parentPort.postMessage({ seconds: (performance.now() - started) / 1000, failures });
  agent.destroy();
});
`;

async function simpleGets(eventId: string): Promise<{ perSecond: number; sandboxMeanMs: number }> {
  sandbox.graph.requestLog.clear();
  const worker = new Worker(GET_LOAD, {
    eval: true,
    workerData: {
      url: `${sandbox.graphBaseUrl}/me/events/${eventId}`,
      token,
      ca: ca.toString(),
      total: GET_REQUESTS,
      concurrency: GET_CONCURRENCY,
    },
  });
  const { seconds, failures } = await new Promise<{ seconds: number; failures: number }>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  await worker.terminate();
  if (failures > 0) throw new Error(`${failures} GETs failed`);
  const total = sandbox.graph.requestLog.counters().total;
  return { perSecond: GET_REQUESTS / seconds, sandboxMeanMs: total.totalMs / total.count };
}

try {
  const seedStarted = performance.now();
  const eventId = await seed();
  console.log(`seeded ${EVENTS} events in ${Math.round(performance.now() - seedStarted)} ms`);
  await pageDelta();
  const delta = await pageDelta();
  console.log(
    `delta: ${delta.items} events in ${delta.pages} pages of ≤${DELTA_PAGE_SIZE}; sandbox time ${Math.round(delta.sandboxMs)} ms ` +
      `(target < 1000 ms${delta.sandboxMs < 1000 ? ", met" : ", MISSED"}); wall time ${Math.round(delta.wallMs)} ms`,
  );
  await simpleGets(eventId);
  const gets = await simpleGets(eventId);
  console.log(
    `simple GETs: ${Math.round(gets.perSecond)} per second over HTTPS with ${GET_CONCURRENCY} connections ` +
      `(target ≥ 2000/s${gets.perSecond >= 2000 ? ", met" : ", MISSED"}); sandbox mean ${gets.sandboxMeanMs.toFixed(3)} ms per request`,
  );
} finally {
  agent.destroy();
  await sandbox.stop();
}
