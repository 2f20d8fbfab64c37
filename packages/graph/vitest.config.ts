export { sandboxTestConfig as default } from "../../vitest.shared.ts";
