export { databaseTestConfig as default } from "../../vitest.shared.ts";
