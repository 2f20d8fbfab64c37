import { describe, expect, it } from "vitest";
import { microsoftAnswer } from "./microsoft-answer";

describe("microsoftAnswer", () => {
  it("reads a successful redirect", () => {
    expect(microsoftAnswer(new URLSearchParams("code=abc&state=xyz&session_state=s"))).toEqual({
      state: "xyz",
      code: "abc",
    });
  });

  it("reads Microsoft's error, under the API's name for its description", () => {
    expect(
      microsoftAnswer(new URLSearchParams("error=access_denied&error_description=AADSTS65004%3A+declined&state=xyz")),
    ).toEqual({
      state: "xyz",
      error: "access_denied",
      errorDescription: "AADSTS65004: declined",
    });
  });

  it("has nothing to send without a state", () => {
    expect(microsoftAnswer(new URLSearchParams("code=abc"))).toBeNull();
  });
});
