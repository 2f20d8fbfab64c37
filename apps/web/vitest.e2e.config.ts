import { endToEndTestConfig } from "../../vitest.shared.ts";

export default endToEndTestConfig(new URL("./e2e/support/global-setup.ts", import.meta.url));
