import { describe, expect, it } from "vitest";
import { currentLogContext, loggerSettingsFor, withLogContext } from "./logger";
import { capturingLogger } from "./capturing-logger";

describe("createLogger", () => {
  it("writes JSON lines with the log context of the code that logs", () => {
    const { logger, lines } = capturingLogger();
    withLogContext({ requestId: "req-1" }, () =>
      withLogContext({ runId: "run-1" }, () => logger.info({ status: 200 }, "done")),
    );
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({
      level: 30,
      msg: "done",
      status: 200,
      requestId: "req-1",
      runId: "run-1",
    });
    expect(currentLogContext()).toEqual({});
  });

  it("redacts tokens and secrets wherever they sit in what is logged", () => {
    const { logger, text } = capturingLogger();
    logger.info({
      headers: { authorization: "Bearer eyJ-session-token", cookie: "sid=cookie-secret" },
      token: "top-level-token",
      body: {
        access_token: "ms-access-token",
        refresh_token: "ms-refresh-token",
        code: "oauth-code",
        client_secret: "azure-secret",
      },
      config: { clientSecret: "azure-client-secret" },
      notification: { clientState: "client-state-secret" },
      query: { code: "callback-code" },
    });
    for (const secret of [
      "oauth-code",
      "eyJ-session-token",
      "cookie-secret",
      "top-level-token",
      "ms-access-token",
      "ms-refresh-token",
      "azure-secret",
      "azure-client-secret",
      "client-state-secret",
      "callback-code",
    ]) {
      expect(text()).not.toContain(secret);
    }
    expect(text()).toContain("[redacted]");
  });

  it("logs JSON at info in production and tests, pretty in development, at the level LOG_LEVEL asks", () => {
    expect(loggerSettingsFor("production", undefined)).toEqual({ level: "info", pretty: false });
    expect(loggerSettingsFor("test", undefined)).toEqual({ level: "info", pretty: false });
    expect(loggerSettingsFor("development", "debug")).toEqual({ level: "debug", pretty: true });
  });
});
