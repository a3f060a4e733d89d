// Compiles apps, libs and migrations into dist/ (dist/apps/server/main.js, …) and rewrites the
// @guildhall/* path aliases into relative requires. `--if-needed` skips an up-to-date build.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), 0);
}

function upToDate() {
  if (!existsSync(stamp)) return false;
  const sources = ['apps', 'libs', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
  const latest = Math.max(
    ...sources
      .map((s) => join(root, s))
      .filter(existsSync)
      .map(newest),
  );
  return statSync(stamp).mtimeMs >= latest;
}

if (process.argv.includes('--if-needed') && upToDate()) process.exit(0);

const run = (script, args) =>
  execFileSync(process.execPath, [join(root, 'node_modules', script), ...args], { cwd: root, stdio: 'inherit' });
const started = Date.now();
rmSync(join(root, 'dist'), { recursive: true, force: true });
run('typescript/bin/tsc', ['-p', 'tsconfig.build.json']);
run('tsc-alias/dist/bin/index.js', ['-p', 'tsconfig.build.json']);
writeFileSync(stamp, new Date().toISOString());
process.stderr.write(`guildhall: built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
