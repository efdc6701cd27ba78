/**
 * WeCom's callback XML through fast-xml-parser, configured for hostile input: a size bound, no
 * DOCTYPE at all (so no entity definitions and no expansion), only the five built-in entities
 * decoded, attributes ignored, values kept as strings (MsgId stays exact, CreateTime stays text).
 * WeCom's XML is flat: `<xml><Field>value</Field>…</xml>`, CDATA or not.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const MAX_XML_BYTES = 64 * 1024;

export class WecomXmlError extends Error {
  constructor(
    readonly code: 'XML_TOO_LARGE' | 'XML_DOCTYPE' | 'XML_MALFORMED' | 'XML_NOT_WECOM',
    message: string,
  ) {
    super(`WeCom XML refused (${code}): ${message}`);
    this.name = 'WecomXmlError';
  }
}

export type WecomXml = Record<string, unknown>;

const parser = new XMLParser({
  processEntities: true,
  htmlEntities: false,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** The children of the root `<xml>` element; throws WecomXmlError. */
export function parseWecomXml(text: string, maxBytes = MAX_XML_BYTES): WecomXml {
  if (Buffer.byteLength(text, 'utf8') > maxBytes) throw new WecomXmlError('XML_TOO_LARGE', `body is larger than ${maxBytes} bytes`);
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new WecomXmlError('XML_DOCTYPE', 'DOCTYPE and entity declarations are not accepted');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new WecomXmlError('XML_MALFORMED', `${valid.err.msg} (line ${valid.err.line})`);
  const doc = parser.parse(text) as Record<string, unknown>;
  const root = doc.xml;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw new WecomXmlError('XML_NOT_WECOM', 'no <xml> root element with fields');
  return root as WecomXml;
}

/** A field as a string; nested or repeated fields are not strings and give undefined. */
export function field(x: WecomXml, name: string): string | undefined {
  const v = x[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

const escapeCdata = (s: string) => s.replace(/]]>/g, ']]]]><![CDATA[>');

/** `<xml><K><![CDATA[v]]></K>…</xml>` for passive replies; nested objects become nested elements. */
export function buildWecomXml(fields: Record<string, string | number | Record<string, string>>): string {
  const el = (k: string, v: string | number | Record<string, string>): string =>
    typeof v === 'number' ? `<${k}>${v}</${k}>` : typeof v === 'string' ? `<${k}><![CDATA[${escapeCdata(v)}]]></${k}>` : `<${k}>${Object.entries(v).map(([a, b]) => el(a, b)).join('')}</${k}>`;
  return `<xml>${Object.entries(fields).map(([k, v]) => el(k, v)).join('')}</xml>`;
}
