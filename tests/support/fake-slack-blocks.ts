/**
 * Block Kit validation with Slack's limits and error wording, so that the fake refuses blocks Slack
 * would refuse (`invalid_blocks` with json-pointer messages). Lengths count code points.
 */

type Surface = 'message' | 'modal';

const MESSAGE_BLOCK_TYPES = new Set(['section', 'context', 'actions', 'divider', 'header', 'rich_text', 'image', 'markdown']);
const MODAL_BLOCK_TYPES = new Set([...MESSAGE_BLOCK_TYPES, 'input']);
const INTERACTIVE_ELEMENTS = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'overflow',
  'radio_buttons',
  'timepicker',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
  'workflow_button',
]);
const ACCESSORY_ELEMENTS = new Set([...INTERACTIVE_ELEMENTS, 'image']);

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const chars = (s: string): number => [...s].length;

export class BlockValidator {
  readonly errors: string[] = [];

  constructor(private readonly surface: Surface) {}

  private err(msg: string, ptr: string): void {
    this.errors.push(`${msg} [json-pointer:${ptr}]`);
  }

  private str(v: unknown, ptr: string, max: number, required: boolean): v is string {
    if (v === undefined) {
      if (required) this.err('missing required field', ptr);
      return false;
    }
    if (typeof v !== 'string') {
      this.err('must be a string', ptr);
      return false;
    }
    if (v.length === 0) this.err('must be more than 0 characters', ptr);
    else if (chars(v) > max) this.err(`must be less than ${max + 1} characters`, ptr);
    return true;
  }

  text(v: unknown, ptr: string, max: number, only?: 'plain_text' | 'mrkdwn'): void {
    if (!isObj(v)) {
      this.err(v === undefined ? 'missing required field' : 'must be an object', ptr);
      return;
    }
    const allowed = only ? [only] : ['plain_text', 'mrkdwn'];
    if (typeof v.type !== 'string' || !allowed.includes(v.type)) this.err('must be a valid enum value', `${ptr}/type`);
    this.str(v.text, `${ptr}/text`, max, true);
    if ('emoji' in v && v.type === 'mrkdwn') this.err('invalid additional property: emoji', `${ptr}/emoji`);
    if ('verbatim' in v && v.type === 'plain_text') this.err('invalid additional property: verbatim', `${ptr}/verbatim`);
  }

  items(v: unknown, ptr: string, max: number): unknown[] | undefined {
    if (!Array.isArray(v)) {
      this.err(v === undefined ? 'missing required field' : 'must be an array', ptr);
      return undefined;
    }
    if (v.length === 0) this.err('must provide at least 1 item', ptr);
    if (v.length > max) this.err(`no more than ${max} items allowed`, ptr);
    return v;
  }

  element(v: unknown, ptr: string, allowed: Set<string>): void {
    if (!isObj(v)) {
      this.err('must be an object', ptr);
      return;
    }
    if (typeof v.type !== 'string' || !allowed.has(v.type)) {
      this.err('must be a valid enum value', `${ptr}/type`);
      return;
    }
    if (v.action_id !== undefined) this.str(v.action_id, `${ptr}/action_id`, 255, false);
    switch (v.type) {
      case 'button':
        this.text(v.text, `${ptr}/text`, 75, 'plain_text');
        if (v.value !== undefined) this.str(v.value, `${ptr}/value`, 2000, false);
        if (v.url !== undefined) this.str(v.url, `${ptr}/url`, 3000, false);
        if (v.style !== undefined && v.style !== 'primary' && v.style !== 'danger') this.err('must be a valid enum value', `${ptr}/style`);
        break;
      case 'image':
        this.image(v, ptr);
        break;
      default:
        break;
    }
  }

  private image(v: Record<string, unknown>, ptr: string): void {
    if (v.image_url === undefined && v.slack_file === undefined) this.err('missing required field: image_url', ptr);
    if (v.image_url !== undefined) this.str(v.image_url, `${ptr}/image_url`, 3000, false);
    this.str(v.alt_text, `${ptr}/alt_text`, 2000, true);
  }

  blocks(blocks: unknown[], ptr: string): void {
    const max = this.surface === 'modal' ? 100 : 50;
    if (blocks.length > max) this.err(`no more than ${max} items allowed`, ptr);
    const known = this.surface === 'modal' ? MODAL_BLOCK_TYPES : MESSAGE_BLOCK_TYPES;
    const blockIds = new Set<string>();
    blocks.forEach((b, i) => {
      const p = `${ptr}/${i}`;
      if (!isObj(b)) {
        this.err('must be an object', p);
        return;
      }
      if (typeof b.type !== 'string') {
        this.err('missing required field: type', p);
        return;
      }
      if (b.block_id !== undefined && this.str(b.block_id, `${p}/block_id`, 255, false)) {
        if (blockIds.has(b.block_id)) this.err(`duplicate block_id: ${b.block_id}`, `${p}/block_id`);
        blockIds.add(b.block_id);
      }
      if (!known.has(b.type)) {
        this.err(`unsupported type: ${b.type}`, `${p}/type`);
        return;
      }
      this.block(b, p);
    });
  }

  private block(b: Record<string, unknown>, p: string): void {
    switch (b.type) {
      case 'section': {
        if (b.text === undefined && b.fields === undefined) this.err('must provide either text or fields', p);
        if (b.text !== undefined) this.text(b.text, `${p}/text`, 3000);
        if (b.fields !== undefined) {
          const fields = this.items(b.fields, `${p}/fields`, 10);
          fields?.forEach((f, j) => this.text(f, `${p}/fields/${j}`, 2000));
        }
        if (b.accessory !== undefined) this.element(b.accessory, `${p}/accessory`, ACCESSORY_ELEMENTS);
        break;
      }
      case 'context': {
        const els = this.items(b.elements, `${p}/elements`, 10);
        els?.forEach((e, j) => {
          const q = `${p}/elements/${j}`;
          if (isObj(e) && e.type === 'image') this.image(e, q);
          else this.text(e, q, 3000);
        });
        break;
      }
      case 'actions': {
        const els = this.items(b.elements, `${p}/elements`, 25);
        const actionIds = new Set<string>();
        els?.forEach((e, j) => {
          const q = `${p}/elements/${j}`;
          this.element(e, q, INTERACTIVE_ELEMENTS);
          if (isObj(e) && typeof e.action_id === 'string') {
            if (actionIds.has(e.action_id)) this.err(`duplicate action_id: ${e.action_id}`, `${q}/action_id`);
            actionIds.add(e.action_id);
          }
        });
        break;
      }
      case 'header':
        this.text(b.text, `${p}/text`, 150, 'plain_text');
        break;
      case 'image':
        this.image(b, p);
        if (b.title !== undefined) this.text(b.title, `${p}/title`, 2000, 'plain_text');
        break;
      case 'markdown':
        this.str(b.text, `${p}/text`, 12000, true);
        break;
      case 'rich_text':
        if (!Array.isArray(b.elements)) this.err('missing required field', `${p}/elements`);
        break;
      case 'input':
        this.text(b.label, `${p}/label`, 2000, 'plain_text');
        if (!isObj(b.element)) this.err('missing required field', `${p}/element`);
        break;
      default: // divider
        break;
    }
  }
}

/** Validate a message's `blocks` argument the way Slack does. Returns the error answer, or undefined. */
export function validateMessageBlocks(blocks: unknown): Record<string, unknown> | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return { ok: false, error: 'invalid_blocks_format' };
  const v = new BlockValidator('message');
  v.blocks(blocks, '/blocks');
  if (v.errors.length === 0) return undefined;
  return invalidBlocks(v.errors);
}

function invalidBlocks(errors: string[]): Record<string, unknown> {
  return { ok: false, error: 'invalid_blocks', errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } };
}
