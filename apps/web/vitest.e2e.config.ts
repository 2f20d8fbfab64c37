import { fileURLToPath } from "node:url";
import type { ViteUserConfig } from "vitest/config";
import { sandboxTestConfig } from "../../vitest.shared.ts";

const shared = sandboxTestConfig.test ?? {};

// End-to-end tests: the built app, served by the real server, in headless Chromium. One server for the run, and
// one file at a time: the files share it, and two Chromiums at once are slow on a 2-core machine. The shared
// settings are spread rather than merged: merging would add the unit tests' `include` to this one.
export default {
  test: {
    ...shared,
    include: ["e2e/**/*.e2e.ts"],
    globalSetup: [...[shared.globalSetup ?? []].flat(), fileURLToPath(new URL("./e2e/support/global-setup.ts", import.meta.url))],
    fileParallelism: false,
    testTimeout: 60_000,
  },
} satisfies ViteUserConfig;
