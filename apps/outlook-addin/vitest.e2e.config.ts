import { endToEndTestConfig } from "../../vitest.shared.ts";

// The built taskpane, served by the real server under /addin/, with a stubbed Office host.
export default endToEndTestConfig(new URL("./e2e/support/global-setup.ts", import.meta.url));
