import { describe, expect, it } from "vitest";
import { AddinSignInError } from "./api-token";
import { dialogTokenSource, parseSignInDialogAnswer, RENEW_BEFORE_EXPIRY_MS } from "./dialog-token";

const PAGE = "https://agenda.example.com/addin/sign-in.html";
const HOUR = 3_600_000;

/** The sign-in dialog: each opening answers the next token, valid an hour from the clock's time then. */
function fakeDialog(clock: { now: number }) {
  const opened: string[] = [];
  let release: () => void = () => undefined;
  let gate = Promise.resolve();
  return {
    opened,
    /** Holds the dialog open until `release()`, as a person signing in does. */
    hold: () => (gate = new Promise((resolve) => (release = resolve))),
    release: () => release(),
    open: async (url: string) => {
      opened.push(url);
      await gate;
      return JSON.stringify({
        accessToken: `token-${opened.length}`,
        expiresOn: new Date(clock.now + HOUR).toISOString(),
      });
    },
  };
}

describe("tokens from the sign-in dialog", () => {
  it("keep the token until shortly before it expires, then open the dialog again", async () => {
    const clock = { now: Date.parse("2026-11-24T08:00:00Z") };
    const dialog = fakeDialog(clock);
    const getApiToken = dialogTokenSource(dialog.open, PAGE, () => clock.now);
    expect(await getApiToken()).toBe("token-1");
    clock.now += HOUR - RENEW_BEFORE_EXPIRY_MS - 1;
    expect(await getApiToken()).toBe("token-1");
    clock.now += 1;
    expect(await getApiToken()).toBe("token-2");
    expect(dialog.opened).toEqual([PAGE, PAGE]);
  });

  it("open one dialog for the callers that arrive while it is open", async () => {
    const clock = { now: Date.now() };
    const dialog = fakeDialog(clock);
    dialog.hold();
    const getApiToken = dialogTokenSource(dialog.open, PAGE, () => clock.now);
    const both = Promise.all([getApiToken(), getApiToken()]);
    dialog.release();
    expect(await both).toEqual(["token-1", "token-1"]);
    expect(dialog.opened).toHaveLength(1);
  });

  it("open the dialog again after a failed sign-in", async () => {
    let answers = [
      JSON.stringify({ error: "AADSTS65004: User declined to consent to access the app." }),
      JSON.stringify({ accessToken: "t", expiresOn: new Date(Date.now() + HOUR).toISOString() }),
    ];
    const getApiToken = dialogTokenSource(async () => {
      const [answer, ...rest] = answers;
      answers = rest;
      return answer ?? "";
    }, PAGE);
    await expect(getApiToken()).rejects.toThrow(/AADSTS65004/);
    expect(await getApiToken()).toBe("t");
  });
});

describe("the sign-in dialog's answer", () => {
  it("carries the token and its expiry", () => {
    expect(parseSignInDialogAnswer('{"accessToken":"t","expiresOn":"2026-11-24T09:00:00.000Z"}')).toEqual({
      accessToken: "t",
      expiresOn: new Date("2026-11-24T09:00:00.000Z"),
    });
  });

  it.each([
    ["an error", '{"error":"AADSTS50011: redirect URI mismatch"}', /AADSTS50011/],
    ["no JSON", "<html>", /other than JSON/],
    ["no expiry", '{"accessToken":"t"}', /malformed/],
    ["an empty token", '{"accessToken":"","expiresOn":"2026-11-24T09:00:00.000Z"}', /malformed/],
  ])("is refused when it is %s", (_case, message, reason) => {
    expect(() => parseSignInDialogAnswer(message)).toThrow(AddinSignInError);
    expect(() => parseSignInDialogAnswer(message)).toThrow(reason);
  });
});
