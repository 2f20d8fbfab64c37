import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("./cli.ts", import.meta.url));

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(read: () => string, pattern: RegExp, child: ChildProcess): Promise<RegExpMatchArray> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const match = read().match(pattern);
    if (match) return match;
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`No ${String(pattern)} in:\n${read()}`);
}

describe("npm run sandbox (src/cli.ts)", () => {
  it("starts on the requested port, prints its URLs and the CA hint, and stops cleanly on SIGTERM", async () => {
    const { child, output, exited } = run(["--port", "0", "--no-persist", "--access-token-lifetime", "120"], {
      SANDBOX_AUTO_CONSENT: "false",
    });
    try {
      const [, url] = await waitFor(output, /listening on (https:\/\/127\.0\.0\.1:\d+)/, child);
      await waitFor(output, /export NODE_EXTRA_CA_CERTS="[^"]+ca\.pem"/, child);
      expect(output()).toContain(`Authority (MSAL)   ${url}/common`);
      expect(output()).toContain(`Graph base URL     ${url}/v1.0`);
      expect(output()).toContain("adele.vance@agenda-sandbox.example");
      expect(output()).toContain("Auto-consent       off");
      expect(output()).not.toContain("agenda-sandbox-demo-secret");

      const settings = await fetch(`${url}/admin/api/identity/settings`);
      expect(await settings.json()).toMatchObject({ accessTokenLifetimeSeconds: 120, autoConsent: false });
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(output()).toContain("SIGTERM: stopping the Microsoft sandbox");
  });

  it("refuses an invalid option with the usage and exit code 2", async () => {
    const { output, exited } = run(["--port", "not-a-port"]);
    expect(await exited).toBe(2);
    expect(output()).toContain("Usage: npm run sandbox");
  });
});
