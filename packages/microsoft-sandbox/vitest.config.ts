import { defineConfig, mergeConfig } from "vitest/config";
import { sandboxTestConfig } from "../../vitest.shared.ts";

export default mergeConfig(
  sandboxTestConfig,
  defineConfig({ test: { setupFiles: ["src/graph/schema/vitest-setup.ts"] } }),
);
