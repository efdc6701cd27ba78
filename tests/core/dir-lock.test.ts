import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirBusyError, lockDataDir } from '../../src/util/dir-lock.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'pb-lock-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('lockDataDir', () => {
  it('refuses a second holder while a live process holds the lock', async () => {
    const dir = tmp();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(path.join(dir, 'patent-bridge.lock'), String(child.pid));
      expect(() => lockDataDir(dir)).toThrow(DataDirBusyError);
      expect(() => lockDataDir(dir)).toThrow(new RegExp(`pid ${child.pid}`));
    } finally {
      child.kill();
    }
  });

  it('takes over a lock left by a dead process and releases its own', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'patent-bridge.lock'), '999999999');
    const release = lockDataDir(dir);
    expect(existsSync(path.join(dir, 'patent-bridge.lock'))).toBe(true);
    release();
    expect(existsSync(path.join(dir, 'patent-bridge.lock'))).toBe(false);
    lockDataDir(dir)();
  });
});
