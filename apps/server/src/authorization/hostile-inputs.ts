import fc from "fast-check";
import { z } from "zod";

/**
 * Inputs for a procedure, driven by its own zod schema (through its JSON Schema): values of the right shape with
 * edges (far and inverted dates, boundaries, odd zones, unicode), mixed with hostile ones (wrong types, huge strings,
 * deep objects, prototype keys) at every level.
 */

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
};

const UNICODE = [
  "Léa Müller",
  "日本語のタイトル",
  "עברית",
  "\u202Eevil\u202C",
  "zero\u200Bwidth",
  "emoji 🎓👩‍🏫",
  "\uD800 lone surrogate",
  "nul\u0000byte",
  "line\nbreak\r\n",
  "<script>alert(1)</script>",
  "' or 1=1 --",
];
const ODD_ZONES = [
  "eUrOpE/pArIs",
  "Mars/Olympus_Mons",
  "../../etc/passwd",
  "UTC+25",
  "",
  " Europe/Paris",
  "Europe/Paris\u0000",
  "Etc/GMT-14",
  "America/Argentina/ComodRivadavia",
  "x".repeat(65),
  "Ü/Ö",
];
const FAR_DATES = [
  "0001-01-01T00:00:00Z",
  "9999-12-31T23:59:59Z",
  "+275760-09-13T00:00:00Z",
  "1970-01-01T00:00:00Z",
  "2026-02-29T10:00:00Z",
  "2026-13-01T10:00:00Z",
  "2026-12-06T25:61:00+01:00",
  "2026-12-06T10:00:00+14:00",
  "2026-12-06T10:00:00-12:00",
  "2026-12-06",
  "yesterday",
];

/** Values of no sensible shape, for any field or for the whole input. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    "",
    [],
    {},
    "null",
    "undefined",
    "NaN",
  ),
  fc.constantFrom(...UNICODE),
  fc.integer({ min: 10_000, max: 120_000 }).map((length) => "é".repeat(length)),
  fc.integer({ min: 50, max: 2_000 }).map((depth) => nest(depth)),
  fc.constant(
    JSON.parse('{"__proto__": {"role": "admin"}, "constructor": {"prototype": {"isAdmin": true}}}') as unknown,
  ),
  fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 50 }),
  fc.string({ unit: "grapheme", maxLength: 300 }),
);

function nest(depth: number): unknown {
  let value: unknown = "bottom";
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

function stringFor(schema: JsonSchema, name: string): fc.Arbitrary<string> {
  if (/zone/i.test(name))
    return fc.oneof(fc.constantFrom("Europe/Paris", "UTC", "America/New_York", "Asia/Kolkata", ...ODD_ZONES));
  if (schema.format === "date-time" || /At$|^from$|^to$/.test(name)) {
    return fc.oneof(
      fc
        .date({ min: new Date("1900-01-01"), max: new Date("2200-01-01"), noInvalidDate: true })
        .map((date) => date.toISOString()),
      fc.constantFrom(...FAR_DATES),
    );
  }
  if (schema.format === "date" || /Date$/.test(name))
    return fc.oneof(
      fc.date({ noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10)),
      fc.constantFrom("2026-02-30", "0000-01-01", "9999-12-31"),
    );
  if (schema.format === "uuid")
    return fc.oneof(fc.uuid(), fc.constantFrom("00000000-0000-0000-0000-000000000000", "not-a-uuid"));
  if (schema.format === "email")
    return fc.oneof(
      fc.emailAddress(),
      fc.constantFrom("lea.martin@formation.demo", "a@b", "x".repeat(400) + "@example.com"),
    );
  if (/url/i.test(name))
    return fc.oneof(
      fc.webUrl(),
      fc.constantFrom("javascript:alert(1)", "http://example.com", "https://user:pw@example.com", "data:text/html,hi"),
    );
  const lengths = fc.oneof(
    fc.constantFrom(schema.minLength ?? 0, schema.maxLength ?? 0, (schema.maxLength ?? 200) + 1),
    fc.integer({ min: 0, max: 40 }),
  );
  return fc.oneof(
    lengths.chain((length) => fc.string({ minLength: length, maxLength: length })),
    fc.constantFrom(...UNICODE),
  );
}

function arbitraryFor(schema: JsonSchema, name: string): fc.Arbitrary<unknown> {
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return fc.oneof(...variants.map((variant) => arbitraryFor(variant, name)));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object": {
      const fields = Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, property]) => [key, fieldValue(property, key)]),
      );
      return fc.record(fields, { requiredKeys: (schema.required ?? []).filter((key) => key in fields) });
    }
    case "array":
      return fc.array(fieldValue(schema.items ?? {}, name), {
        maxLength: Math.min((schema.maxItems ?? 20) + 2, 1_100),
      });
    case "string":
      return stringFor(schema, name);
    case "integer":
    case "number":
      return fc.oneof(
        fc.integer(),
        fc.constantFrom(
          schema.minimum ?? 0,
          schema.maximum ?? 0,
          (schema.minimum ?? 0) - 1,
          (schema.maximum ?? 0) + 1,
          0.5,
        ),
      );
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A field: mostly of its own shape, sometimes anything at all. */
function fieldValue(schema: JsonSchema, name: string): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: arbitraryFor(schema, name), weight: 4 }, { arbitrary: hostileValue, weight: 1 });
}

/** Inputs for a procedure whose input is `schema` (none: anything a caller might send it anyway). */
export function inputsFor(schema: z.ZodType | undefined): fc.Arbitrary<unknown> {
  if (!schema) return hostileValue;
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return fc.oneof({ arbitrary: arbitraryFor(json, ""), weight: 5 }, { arbitrary: hostileValue, weight: 1 });
}
