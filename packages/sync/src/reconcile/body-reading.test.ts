import { describe, expect, it } from "vitest";
import { sameBodyReading } from "./body-reading";

describe("sameBodyReading", () => {
  it.each([
    [
      "<p>Salle <b>3</b> &amp; visio</p><ul><li>Budget</li><li>Planning</li></ul>",
      "Salle 3 & visio\r\nBudget\r\nPlanning",
    ],
    [
      "<html><head><style>p { color: red }</style></head><body><p>&lt;nom&gt;&nbsp;&#233;t&#xE9;</p></body></html>",
      "<nom> été",
    ],
    ["Texte simple", "  Texte simple\r\n"],
  ])("reads %j as Outlook's text %j", (platformBody, outlookText) => {
    expect(sameBodyReading(platformBody, outlookText)).toBe(true);
  });

  it.each([
    ["<p>Salle 3</p>", "Salle 4"],
    ["x < y", "x > y"],
    ["<p>Budget</p>", ""],
  ])("tells %j from %j", (platformBody, outlookText) => {
    expect(sameBodyReading(platformBody, outlookText)).toBe(false);
  });
});
