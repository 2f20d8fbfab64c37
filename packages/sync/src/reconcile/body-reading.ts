/**
 * A tag of a known element marks a body as HTML (one a platform sent through the API, say); text that merely holds
 * angle brackets ("x < y", "<nom>") stays text.
 */
const HTML_ELEMENT =
  /<\/?(?:html|body|div|p|br|hr|span|a|b|i|u|s|em|strong|font|ul|ol|li|table|thead|tbody|tr|td|th|h[1-6]|img|blockquote|pre|code)(?:\s[^<>]*)?\/?>/i;

export function isHtmlBody(body: string): boolean {
  return HTML_ELEMENT.test(body);
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decodeEntity(entity: string, name: string): string {
  const hex = /^#x([\da-f]+)$/i.exec(name)?.[1];
  const decimal = /^#(\d+)$/.exec(name)?.[1];
  const code = hex ? Number.parseInt(hex, 16) : decimal ? Number.parseInt(decimal, 10) : undefined;
  if (code !== undefined) return code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  return ENTITIES[name.toLowerCase()] ?? entity;
}

/**
 * What a body reads as, roughly as Outlook renders HTML as text: markup dropped, entities decoded. Without any white
 * space: where HTML breaks lines (paragraphs, list items) is where renderings of it as text differ.
 */
function bodyReading(body: string): string {
  const text = isHtmlBody(body)
    ? body
        .replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, "")
        .replace(/<[^>]+>/g, "")
        .replace(/&(#x[\da-f]+|#\d+|[a-z]+);/gi, decodeEntity)
    : body;
  return text.replace(/\s+/g, "");
}

/**
 * Whether a platform body and the text Outlook gives for its copy's body say the same thing. The import reads
 * bodies as text, so an HTML body the platform wrote comes back without its markup: that is no edit.
 */
export function sameBodyReading(platformBody: string, outlookText: string): boolean {
  return bodyReading(platformBody) === bodyReading(outlookText);
}
