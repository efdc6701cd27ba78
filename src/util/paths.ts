import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root, independent of the working directory the CLI was started from. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const MIGRATIONS_DIR = path.join(PACKAGE_ROOT, 'drizzle');
