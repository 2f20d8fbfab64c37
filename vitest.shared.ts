import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, mergeConfig, type ViteUserConfig } from "vitest/config";

// Workspaces import this file by relative path: vitest bundles a config's relative imports, while a workspace
// package would be loaded by Node untranspiled.

/**
 * Settings every workspace's tests share. Under the root `npm test`, each run also writes a JSON report that the
 * root script adds up into one closing line.
 */
export const baseTestConfig: ViteUserConfig = defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: process.env.AGENDA_TEST_REPORT_DIR
      ? [
          "default",
          [
            "json",
            { outputFile: join(process.env.AGENDA_TEST_REPORT_DIR, `${process.cwd().replaceAll(sep, "_")}.json`) },
          ],
        ]
      : ["default"],
  },
});

const setup = (file: string) => fileURLToPath(new URL(`./packages/testing/src/${file}`, import.meta.url));

/** For workspaces whose tests call the Microsoft sandbox: its local CA is trusted by every test worker. */
export const sandboxTestConfig: ViteUserConfig = mergeConfig(
  baseTestConfig,
  defineConfig({ test: { globalSetup: [setup("trust-sandbox-ca.ts")] } }),
);

/** For workspaces whose tests use the database (and the sandbox): one real PostgreSQL per run, one database per test file. */
export const databaseTestConfig: ViteUserConfig = mergeConfig(
  baseTestConfig,
  defineConfig({ test: { globalSetup: [setup("trust-sandbox-ca.ts"), setup("global-setup.ts")] } }),
);

const sandboxSettings = sandboxTestConfig.test ?? {};

/**
 * For a web workspace's end-to-end tests (`e2e/**\/*.e2e.ts`): the built app served by one real server for the run
 * (its `globalSetup` starts it), in headless Chromium, one file at a time: the files share the server, and two
 * Chromiums at once are slow on a 2-core machine. The shared settings are spread rather than merged: merging would
 * add the unit tests' `include` to this one.
 */
export function endToEndTestConfig(globalSetup: URL): ViteUserConfig {
  return {
    test: {
      ...sandboxSettings,
      include: ["e2e/**/*.e2e.ts"],
      globalSetup: [...[sandboxSettings.globalSetup ?? []].flat(), fileURLToPath(globalSetup)],
      fileParallelism: false,
      testTimeout: 60_000,
    },
  };
}
