/**
 * A database command while the service holds the embedded DATA_DIR: it refuses (exit 1) with the
 * lock's one line and, for each command, what does the same work beside the running service (the
 * admin API or the console), as README's Command line lists them. `main` runs in-process; the
 * lock file names a live process other than this one (the test runner's parent), as a running
 * service's would.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

let dir: string;

async function cli(argv: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  for (const [k, v] of Object.entries({ DATA_DIR: dir, DATABASE_URL: undefined, MEILI_URL: undefined, MEILI_MASTER_KEY: undefined, LOG_LEVEL: 'silent' })) vi.stubEnv(k, v);
  const o = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  try {
    return { code: await main(argv), err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    vi.unstubAllEnvs();
  }
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-cli-busy-'));
  writeFileSync(path.join(dir, 'patent-bridge.lock'), String(process.ppid));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('database commands beside a running service', () => {
  it.each([
    [['leads'], '/admin/api/leads'],
    [['invite', 'staff', '--agency', 'xiangjiang-ip-trading'], '/admin/api/invites'],
    [['export-registrations', 'expo-2026-wuhan'], '/admin/api/expos/<edition>/registrations.csv'],
    [['broadcasts'], '/admin/api/broadcasts'],
  ])('%j refuses and names its admin-API counterpart', async (argv, route) => {
    const { code, err } = await cli(argv);
    expect(code).toBe(1);
    expect(err).toContain(`is in use by another patent-bridge process (pid ${process.ppid})`);
    expect(err).toContain(route);
  });
});
