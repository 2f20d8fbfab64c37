import { z } from "zod";
import { withoutAnnotations } from "../odata";
import subset from "./graph-v1-subset.json" with { type: "json" };

/**
 * Validators of Graph v1.0 JSON built from Microsoft's published schema. `graph-v1-subset.json` is
 * `shared/reference/graph-v1-csdl-subset.json` copied as is: the types this project uses (event and its complex types,
 * calendar, user, mailboxSettings, subscription, change notifications) and their enums, extracted from the CSDL of
 * microsoftgraph/msgraph-metadata (`clean_v10_metadata/cleanMetadata.xml`). The repository carries the copy because
 * its tests run where the shared reference is absent.
 */

interface CsdlType {
  kind: "EntityType" | "ComplexType";
  base: string | null;
  open: boolean;
  props: Record<string, string>;
}

/**
 * What the subset leaves out and the sandbox returns: the one navigation property a client can `$expand` on an
 * event, and its type. From the same CSDL (`event` NavigationProperty `singleValueExtendedProperties`,
 * EntityType `singleValueLegacyExtendedProperty`).
 */
const EXPANDABLE: Record<string, Record<string, string>> = {
  event: { singleValueExtendedProperties: "Collection(graph.singleValueLegacyExtendedProperty)" },
};
const TYPES: Record<string, CsdlType> = {
  ...(subset.types as Record<string, CsdlType>),
  singleValueLegacyExtendedProperty: {
    kind: "EntityType",
    base: "entity",
    open: false,
    props: { value: "Edm.String" },
  },
};
const ENUMS: Record<string, string[]> = subset.enums;

/** Graph writes timestamps in UTC with seven fraction digits ("2017-04-15T03:00:50.7579581Z"). */
const TIMESTAMP = z.iso.datetime({ precision: 7, error: "not a Graph timestamp (UTC, seven fraction digits)" });
const TIMESTAMP_OR_WHOLE_SECONDS = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{7})?Z$/,
    "not a Graph timestamp (UTC, whole seconds or seven fraction digits)",
  );

const PRIMITIVES: Record<string, z.ZodType> = {
  "Edm.String": z.string(),
  "Edm.Boolean": z.boolean(),
  "Edm.Int32": z.int32(),
  "Edm.Double": z.number(),
  "Edm.Guid": z.guid(),
  "Edm.Date": z.iso.date(),
  "Edm.TimeOfDay": z.iso.time({ precision: 7, error: "not a Graph time of day (seven fraction digits)" }),
  "Edm.DateTimeOffset": TIMESTAMP,
};

/**
 * Formats Graph holds to where the CSDL type says only "string" or "timestamp", by `type.property`:
 * `dateTimeTimeZone.dateTime` is a wall-clock time with seven fraction digits ("2016-12-09T20:30:00.0000000"); an
 * occurrence's `originalStart` and a response's `time` come in whole seconds too (the event page's example
 * "2014-01-01T00:00:00Z", and "0001-01-01T00:00:00Z" for the organizer's own response).
 */
const FORMATS: Record<string, z.ZodType> = {
  "dateTimeTimeZone.dateTime": z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}$/, "not a Graph dateTime (seven fraction digits, no offset)"),
  "event.originalStart": TIMESTAMP_OR_WHOLE_SECONDS,
  "responseStatus.time": TIMESTAMP_OR_WHOLE_SECONDS,
};

function typeNamed(name: string): CsdlType {
  const type = TYPES[name];
  if (!type) throw new Error(`graph.${name} is not in the Graph v1.0 subset`);
  return type;
}

/** Own and inherited structural properties, as the CSDL's BaseType chain gives them. */
function propertiesOf(name: string): Record<string, string> {
  const type = typeNamed(name);
  return { ...(type.base ? propertiesOf(type.base) : {}), ...type.props };
}

/** The names of the properties Graph v1.0 gives a type. */
export const graphPropertyNames = (name: string): string[] => Object.keys(propertiesOf(name));

const schemas = new Map<string, z.ZodType>();

function referenceSchema(reference: string): z.ZodType {
  const collection = /^Collection\((.+)\)$/.exec(reference);
  if (collection) return z.array(referenceSchema(collection[1] as string));
  const primitive = PRIMITIVES[reference];
  if (primitive) return primitive;
  const name = reference.replace(/^graph\./, "");
  const members = ENUMS[name];
  if (members) return z.enum(members);
  return z.lazy(() => graphTypeSchema(name));
}

/**
 * The validator of a Graph type: its properties and nothing else (annotations aside), each of its CSDL type, null
 * allowed where the value is not a collection. Entity types are held closed even where the CSDL marks them open
 * (event, user): Graph's own responses never carry dynamic properties, so one there is the sandbox inventing it.
 * Open complex types (`resourceData`) are by nature a bag of members and stay open.
 */
export function graphTypeSchema(name: string): z.ZodType {
  const known = schemas.get(name);
  if (known) return known;
  const type = typeNamed(name);
  const shape: Record<string, z.ZodType> = {};
  for (const [property, reference] of Object.entries({ ...propertiesOf(name), ...EXPANDABLE[name] })) {
    const schema = FORMATS[`${name}.${property}`] ?? referenceSchema(reference);
    shape[property] = (reference.startsWith("Collection(") ? schema : schema.nullable()).optional();
  }
  if (type.kind === "EntityType") shape.id = z.string().min(1);
  const object = type.kind === "ComplexType" && type.open ? z.looseObject(shape) : z.strictObject(shape);
  const schema = z.preprocess(withoutAnnotations, object);
  schemas.set(name, schema);
  return schema;
}
