/**
 * The add-in's custom properties (Office.js `item.loadCustomPropertiesAsync`), as the add-in and the server share
 * them. Outlook keeps an add-in's custom properties on the item in one MAPI named property (MS-OXCEXT 2.2.5): set
 * PS_PUBLIC_STRINGS, name `cecp-<add-in id>`, a JSON object of name-value pairs of at most 2,500 characters. Graph
 * reads and writes it as a single-value extended property, so an event the server creates can carry what the add-in
 * reads back in Outlook.
 */

/** The custom property naming the formation an appointment is (filled by the add-in, or exported by the server). */
export const FORMATION_ID_CUSTOM_PROPERTY = "agendaFormationId";

const PS_PUBLIC_STRINGS = "{00020329-0000-0000-C000-000000000046}";
const MAX_VALUE_LENGTH = 2_500;

/** Graph's extended property id for the custom properties of the add-in whose manifest `Id` is `addinId`. */
export function customPropertiesExtendedPropertyId(addinId: string): string {
  // The spec's derivation of <ID>: lower case, no braces, no urn:uuid prefix.
  const id = addinId
    .toLowerCase()
    .replace(/[{}]/g, "")
    .replace(/^urn:uuid:/, "");
  return `String ${PS_PUBLIC_STRINGS} Name cecp-${id}`;
}

/** The property's value for these custom properties. */
export function customPropertiesValue(properties: Record<string, string>): string {
  const value = JSON.stringify(properties);
  if (value.length > MAX_VALUE_LENGTH)
    throw new RangeError(`custom properties take at most ${MAX_VALUE_LENGTH} characters, not ${value.length}`);
  return value;
}
