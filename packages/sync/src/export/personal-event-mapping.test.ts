import { describe, expect, it } from "vitest";
import { graphBodyOf } from "./personal-event-mapping";

describe("graphBodyOf", () => {
  it.each([
    "<p>Ordre du jour</p>",
    "Bonjour,<br>à demain",
    '<a href="https://example.test">le lien</a>',
    "<HTML><BODY>Majuscules</BODY></HTML>",
    '<div class="note">Salle 3</div>',
  ])("sends %j as HTML, keeping its formatting", (body) => {
    expect(graphBodyOf(body)).toEqual({ contentType: "html", content: body });
  });

  it.each(["", "Apporter la carte vitale", "x < y et y > z", "Écrire à <nom>", "a<b", "<3 merci", "<paragraphe>"])("sends %j as text", (body) => {
    expect(graphBodyOf(body)).toEqual({ contentType: "text", content: body });
  });
});
