import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { parseWorkerEnv } from "./env";

// Docker is not available where the tests run: these check the files themselves, not a built image.
const root = fileURLToPath(new URL("../../../", import.meta.url));
const read = (file: string) => readFileSync(`${root}${file}`, "utf8");

/** What an operator's .env would hold: each `${NAME:?…}` compose requires. */
const operatorValues: Record<string, string> = {
  POSTGRES_PASSWORD: "postgres-secret",
  OUTLOOK_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
  OUTLOOK_CLIENT_SECRET: "azure-client-secret",
  OUTLOOK_REDIRECT_URI: "https://agenda.example.com/calendar/callback/outlook",
  TOKEN_ENCRYPTION_KEY: `k1:${Buffer.alloc(32, 7).toString("base64")}`,
  BACKEND_URL: "https://agenda.example.com",
  PLATFORM_URL: "https://formation.example.com",
  METRICS_TOKEN: "metrics-token-of-the-operator",
};

/** Compose's interpolation: `${NAME:?message}` must be set, `${NAME:-default}` falls back. */
function interpolate(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_, name: string, mode: string | undefined, rest: string) => {
    const value = values[name];
    if (value !== undefined) return value;
    if (mode === "?") throw new Error(`compose requires ${name}: ${rest}`);
    return mode === "-" ? rest : "";
  });
}

const healthcheck = z.object({ test: z.array(z.string()) });
const service = z.object({
  // An empty `${NAME:-}` reads as null: compose then passes NAME through unset.
  environment: z
    .record(z.string(), z.string().nullable())
    .transform((env) =>
      Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== null)),
    )
    .optional(),
  command: z.array(z.string()).optional(),
  healthcheck: healthcheck.optional(),
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).optional(),
});
const compose = z.object({ services: z.record(z.string(), service) });

function composeServices() {
  return compose.parse(parse(interpolate(read("docker-compose.yml"), operatorValues), { merge: true })).services;
}

describe("docker-compose.yml", () => {
  it("runs Postgres, the server and two workers, each checked by its readiness probe", () => {
    const services = composeServices();
    expect(Object.keys(services).sort()).toEqual(["postgres", "server", "worker-1", "worker-2"]);
    expect(services.postgres?.healthcheck?.test).toContain("pg_isready");
    expect(services.server?.healthcheck?.test.join(" ")).toContain("http://127.0.0.1:3000/readyz");
    for (const name of ["worker-1", "worker-2"]) {
      const worker = services[name];
      expect(worker?.command).toEqual(["node", "--import", "tsx", "apps/worker/src/main.ts"]);
      expect(worker?.healthcheck?.test.join(" ")).toContain(
        `http://127.0.0.1:${worker?.environment?.METRICS_PORT}/readyz`,
      );
      expect(worker?.depends_on?.postgres?.condition).toBe("service_healthy");
    }
  });

  it("gives the workers an environment they boot with, and leaves the sync jobs to them", () => {
    const services = composeServices();
    for (const name of ["worker-1", "worker-2"]) {
      const env = parseWorkerEnv(services[name]?.environment ?? {});
      expect(env).toMatchObject({ NODE_ENV: "production", METRICS_PORT: 9464, METRICS_HOST: "0.0.0.0" });
      expect(env.DATABASE_URL).toBe(services.server?.environment?.DATABASE_URL);
    }
    expect(services.server?.environment).toMatchObject({
      NODE_ENV: "production",
      SYNC_WORKER: "false",
      METRICS_TOKEN: operatorValues.METRICS_TOKEN,
    });
  });

  it("refuses to start without a secret it needs", () => {
    const { TOKEN_ENCRYPTION_KEY: _, ...withoutKey } = operatorValues;
    expect(() => interpolate(read("docker-compose.yml"), withoutKey)).toThrow(/requires TOKEN_ENCRYPTION_KEY/);
  });
});

describe("Dockerfile", () => {
  const dockerfile = read("Dockerfile");
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it("builds on the current Node LTS in stages and runs the last one as an unprivileged user", () => {
    // Node 24 is the Active LTS; the code still runs on the oldest Node package.json's engines accept (the dev machines').
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    expect(JSON.parse(read("package.json"))).toMatchObject({ engines: { node: ">=20.19" } });
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const runtime = stages.at(-1) ?? "";
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).not.toMatch(/npm (ci|install)/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
  });

  it("installs every workspace: a new one forgotten here would break npm ci in the image", () => {
    const workspaces = ["apps", "packages"].flatMap((folder) =>
      readdirSync(`${root}${folder}`, { withFileTypes: true })
        .filter(
          (entry) => entry.isDirectory() && readdirSync(`${root}${folder}/${entry.name}`).includes("package.json"),
        )
        .map((entry) => `${folder}/${entry.name}/package.json`),
    );
    const copied = [...dockerfile.matchAll(/^COPY ((?:apps|packages)\/[\w-]+\/package\.json) /gm)].map(
      (match) => match[1],
    );
    expect(copied.sort()).toEqual(workspaces.sort());
  });

  it("leaves local secrets and databases out of the build context", () => {
    const ignored = read(".dockerignore").split("\n");
    for (const entry of [".env", ".data", "**/node_modules"]) expect(ignored).toContain(entry);
  });
});
