import { mergeConfig } from "vitest/config";
import { baseTestConfig } from "../../vitest.shared.ts";
import viteConfig from "./vite.config.ts";

// Adapter and component tests in a simulated DOM; the real browser runs the end-to-end tests (vitest.e2e.config.ts).
export default mergeConfig(mergeConfig(viteConfig, baseTestConfig), {
  test: { environment: "happy-dom", include: ["src/**/*.test.{ts,tsx}"], setupFiles: ["src/test-setup.ts"] },
});
