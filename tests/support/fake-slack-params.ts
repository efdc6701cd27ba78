/** How the fake Slack Web API reads a method's parameters: JSON or urlencoded bodies and the query, coerced as Slack does. */
import { isObj } from './fake-slack-blocks.js';

const JSON_KEYS = new Set(['blocks', 'attachments', 'view', 'metadata', 'user_auth_blocks']);
const BOOL_KEYS = new Set([
  'mrkdwn',
  'unfurl_links',
  'unfurl_media',
  'reply_broadcast',
  'as_user',
  'link_names',
  'include_locale',
  'include_num_members',
  'is_enterprise_install',
]);

export class BadRequest extends Error {}


function decodeFormValue(key: string, value: string): unknown {
  if (JSON_KEYS.has(key)) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value; // left as a string: the validator answers invalid_blocks_format / invalid_arguments
    }
  }
  if (BOOL_KEYS.has(key)) {
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
  }
  return value;
}

export function parseParams(raw: string, contentType: string, query: URLSearchParams): { params: Record<string, unknown>; json: boolean } {
  const params: Record<string, unknown> = {};
  for (const [k, v] of query) params[k] = decodeFormValue(k, v);
  const ct = contentType.toLowerCase();
  if (ct.startsWith('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new BadRequest('invalid_json');
    }
    if (!isObj(body)) throw new BadRequest('invalid_json');
    return { params: { ...params, ...body }, json: true };
  }
  if (ct.startsWith('multipart/form-data')) throw new BadRequest('invalid_form_data');
  for (const [k, v] of new URLSearchParams(raw)) params[k] = decodeFormValue(k, v);
  return { params, json: false };
}
