import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/util/log.js';

describe('logger', () => {
  it('never writes phone numbers, e-mails or tokens', () => {
    const lines: string[] = [];
    const log = createLogger('debug', {}, (l) => lines.push(l));
    log.info('user wrote 13812345678 and a@b.cn', {
      note: 'call +86 138 1234 5678',
      token: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      headers: { authorization: 'Bearer abc.def' },
      text: '我的电话 13912345678',
      err: new Error('failed for user x@y.com'),
    });
    const out = lines.join('\n');
    for (const secret of ['13812345678', 'a@b.cn', '138 1234 5678', 'ABCDEFGHIJ', 'abc.def', '13912345678', 'x@y.com']) expect(out).not.toContain(secret);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', token: '[redacted]' });
  });

  it('respects the level', () => {
    const lines: string[] = [];
    const log = createLogger('warn', {}, (l) => lines.push(l));
    log.info('quiet');
    log.warn('loud');
    expect(lines).toHaveLength(1);
  });
});

const capture = () => {
  const lines: string[] = [];
  return { lines, log: createLogger('debug', {}, (l) => lines.push(l)), out: () => lines.join('\n') };
};

describe('logger: personal data by pattern and by field', () => {
  it('masks Chinese ID numbers (18 digits with an X check, 15-digit old ones) and Luhn-valid card numbers', () => {
    const { log, out } = capture();
    log.info('got 11010519491231002X and 110105491231002 and 6222021234567890128 and 6222 0212 3456 7890 128', {
      note: 'card 4111-1111-1111-1111, id 440308199901011234',
    });
    for (const s of ['11010519491231002X', '110105491231002', '6222021234567890128', '6222 0212 3456 7890 128', '4111-1111-1111-1111', '440308199901011234']) expect(out()).not.toContain(s);
    expect(out()).toContain('[id-number]');
    expect(out()).toContain('[card]');
  });

  it('leaves numbers that are neither: Luhn-invalid digit runs, patent numbers, a number that is a number', () => {
    const { lines, log } = capture();
    log.info('patent CN218751475U, application 202010123456.7, run 6222021234567890127', { count: 13812345678 });
    const line = JSON.parse(lines[0]!);
    expect(line.msg).toContain('CN218751475U');
    expect(line.msg).toContain('202010123456.7');
    expect(line.msg).toContain('6222021234567890127'); // fails the Luhn check
    expect(line.count).toBe(13812345678);
  });

  it('redacts names by field, at any depth, and in JSON quoted inside a string', () => {
    const { lines, log, out } = capture();
    log.warn('payload', {
      from: { first_name: 'Zhangwei', last_name: 'Lishi', username: 'zw_1990' },
      user: { name: 'Wang Fang', real_name: '王芳', display_name: 'Fang W', displayName: 'Fang X', full_name: 'Wang Fang Full', nickname: 'fangfang' },
      note: 'body {"first_name":"Zhaoliu","username":"zl_88","token":"vtok-planted","update_id":13912345678}',
    });
    for (const s of ['Zhangwei', 'Lishi', 'zw_1990', 'Wang Fang', '王芳', 'Fang W', 'Fang X', 'fangfang', 'Zhaoliu', 'zl_88', 'vtok-planted']) expect(out()).not.toContain(s);
    const line = JSON.parse(lines[0]!);
    expect(line.from).toEqual({ first_name: '[redacted]', last_name: '[redacted]', username: '[redacted]' });
    expect(line.note).toContain('"update_id":13912345678');
  });

  it('keeps ids whole: an 11-digit update id is not a phone number, by field and as a JSON number', () => {
    const { lines, log } = capture();
    log.error('telegram update failed', { updateId: '13912345678', update_id: 13812345678, chatId: '13712345678', ids: ['13612345678'], update: 'telegram:13512345678', phone: 13412345678 });
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ updateId: '13912345678', update_id: 13812345678, chatId: '13712345678', ids: ['13612345678'], update: 'telegram:13512345678', phone: '[redacted]' });
  });

  it('never writes a Slack response URL or a verification token field', () => {
    const { out, log } = capture();
    log.warn('slack said no to https://hooks.slack.com/commands/T0001/123/abcSECRETdef', { body: { token: 'verif-xyz-123', response_url: 'https://hooks.slack.com/actions/T1/2/s3cr3t' } });
    for (const s of ['abcSECRETdef', 'verif-xyz-123', 's3cr3t']) expect(out()).not.toContain(s);
  });
});

describe('logger: database errors', () => {
  const planted = ['Zhangwei', 'zw_1990', '11010519491231002X', '6222021234567890128', 'vtok-planted', '我的身份证'];
  const payload = JSON.stringify({ update_id: 1, message: { text: '我的身份证 11010519491231002X 卡 6222021234567890128', from: { first_name: 'Zhangwei', username: 'zw_1990' } }, token: 'vtok-planted' });

  it('drops the parameters and detail of a failed drizzle query and of its driver cause, keeping what failed', () => {
    const cause = Object.assign(new Error('new row for relation "inbound_updates" violates check constraint "no_rows"'), {
      severity: 'ERROR',
      code: '23514',
      detail: `Failing row contains (telegram, 1, 42, ${payload}).`,
      where: `JSON data, line 1: ${payload}`,
      table: 'inbound_updates',
      constraint: 'no_rows',
      query: 'insert into "inbound_updates" ("platform", "payload") values ($1, $2)',
      params: ['telegram', payload],
    });
    class DrizzleQueryError extends Error {
      constructor(
        readonly query: string,
        readonly params: unknown[],
        override readonly cause: unknown,
      ) {
        super(`Failed query: ${query}\nparams: ${params}`);
      }
    }
    const err = new DrizzleQueryError('insert into "inbound_updates" ("platform", "payload") values ($1, $2)', ['telegram', payload], cause);
    const { lines, log, out } = capture();
    log.error('telegram update not recorded', { err, wrapped: new Error('outer', { cause: err }) });
    for (const s of planted) expect(out()).not.toContain(s);
    const line = JSON.parse(lines[0]!);
    expect(line.err).toMatchObject({ name: 'DrizzleQueryError', message: 'Failed query: insert into "inbound_updates" ("platform", "payload") values ($1, $2)' });
    expect(line.err.cause).toMatchObject({ code: '23514', table: 'inbound_updates', constraint: 'no_rows', message: 'new row for relation "inbound_updates" violates check constraint "no_rows"' });
    expect(line.err.cause.detail).toBeUndefined();
    expect(line.wrapped.cause.name).toBe('DrizzleQueryError');
  });

  it('drops the values a Postgres message quotes, and parameters carried as a field', () => {
    const err = Object.assign(new Error('invalid input syntax for type integer: "Zhangwei 6222021234567890128"'), { severity: 'ERROR', code: '22P02', parameters: ['zw_1990'] });
    const { out, lines, log } = capture();
    log.error('x', { err, ctx: { parameters: ['vtok-planted'], params: ['11010519491231002X'] } });
    for (const s of planted) expect(out()).not.toContain(s);
    expect(JSON.parse(lines[0]!).err).toMatchObject({ code: '22P02', message: 'invalid input syntax for type integer: "…"' });
  });
});
