import { describe, expect, it } from "vitest";
import { httpsUrl } from "./link-schema";

describe("httpsUrl", () => {
  it("accepts https links and refuses the rest with the catalog's message", () => {
    expect(httpsUrl.parse("https://meet.example.test/room")).toBe("https://meet.example.test/room");
    for (const value of [
      "javascript:alert(1)",
      "http://meet.example.test/room",
      "https://user:secret@meet.example.test/room",
      "not a link",
    ]) {
      expect(httpsUrl.safeParse(value).error?.issues.map(({ message }) => message)).toEqual(["httpsOnly"]);
    }
  });
});
