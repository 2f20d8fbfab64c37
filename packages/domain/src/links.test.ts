import { describe, expect, it } from "vitest";
import { httpsUrlOrNull } from "./links";

describe("httpsUrlOrNull", () => {
  it("keeps https URLs as they were written", () => {
    for (const url of [
      "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0",
      "HTTPS://Example.test/a?b=c#d",
    ]) {
      expect(httpsUrlOrNull(url)).toBe(url);
    }
  });

  it("drops every other scheme, relative URLs, credentials and what is not a string", () => {
    const refused = [
      "javascript:alert(1)",
      " JavaScript:alert(1)",
      "java\tscript:alert(1)",
      "http://meet.example.test/room",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox(1)",
      "ftp://files.example.test/",
      "/relative/path",
      "//meet.example.test/room",
      "https://user@meet.example.test/room",
      "https://user:secret@meet.example.test/room",
      "https://",
      "",
      undefined,
      null,
      42,
      { href: "https://meet.example.test" },
    ];
    expect(refused.filter((value) => httpsUrlOrNull(value) !== null)).toEqual([]);
  });
});
