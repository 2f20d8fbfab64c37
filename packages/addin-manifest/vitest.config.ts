export { baseTestConfig as default } from "../../vitest.shared.ts";
