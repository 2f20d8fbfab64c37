import { baseTestConfig } from "../../vitest.shared.ts";

// The database package tests the embedded cluster itself, so it starts its own clusters instead of the shared one.
export default baseTestConfig;
