import { describe, expect, it } from "vitest";
import type { AddinConfig } from "./api-token";
import { msalConfiguration } from "./msal-configuration";

const CONFIG: AddinConfig = {
  demo: false,
  clientId: "6b1c3a52-9a3e-4c55-8d0e-2f9f8a8d1c11",
  authority: "https://login.microsoftonline.com/common",
  apiScope: "api://6b1c3a52-9a3e-4c55-8d0e-2f9f8a8d1c11/access_as_user",
};

describe("MSAL's configuration", () => {
  it("declares an authority MSAL does not know, and only then", () => {
    expect(
      msalConfiguration(
        { ...CONFIG, authority: "https://127.0.0.1:8443/common" },
        "http://127.0.0.1:3000/addin/sign-in.html",
      ).auth,
    ).toEqual({
      clientId: CONFIG.clientId,
      authority: "https://127.0.0.1:8443/common",
      knownAuthorities: ["127.0.0.1:8443"],
      redirectUri: "http://127.0.0.1:3000/addin/sign-in.html",
    });
    expect(msalConfiguration(CONFIG).auth).toEqual({ clientId: CONFIG.clientId, authority: CONFIG.authority });
  });
});
