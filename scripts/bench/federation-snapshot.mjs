// The build the federation benchmarks run: by default a snapshot of a commit (HEAD), exported with
// `git archive` into a temp dir (node_modules linked from the repository) and built there with its
// own scripts/build.mjs, so work in progress in the working tree neither breaks the build nor ends
// up in the figures, and the repository's dist/ (which a build removes first) is left alone.
// `--worktree` keeps the common.mjs convention instead: the working tree, built if needed.
// `--worktree-copy` copies the working tree's files (tracked and untracked, not ignored) into the
// temp dir and builds that, type errors tolerated (for trying work in progress without touching
// the repository's dist/).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildIfNeeded, root } from './common.mjs';

/**
 * Resolves with { dir, commit, describe, script(path) → a path spawnServer accepts, remove() }.
 * `dir` holds dist/ (and the sources it was built from).
 */
export function prepareBuild(
  log,
  {
    worktree = process.argv.includes('--worktree'),
    worktreeCopy = process.argv.includes('--worktree-copy'),
    ref = 'HEAD',
  } = {},
) {
  const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  const commit = git('rev-parse', ref);
  const subject = git('log', '-1', '--format=%s', commit).slice(0, 120);
  if (worktree) {
    buildIfNeeded(log);
    const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'apps', 'libs', 'migrations') !== '';
    return {
      dir: root,
      commit,
      describe: `working tree on ${commit.slice(0, 10)}${dirty ? ' with uncommitted changes' : ''}: ${subject}`,
      script: (path) => path,
      remove() {},
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'guildhall-bench-build-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  let typeErrors = false;
  try {
    if (worktreeCopy) {
      log(`building a copy of the working tree (on ${commit.slice(0, 10)}) in ${dir}`);
      const files = git('ls-files', '-z', '--cached', '--others', '--exclude-standard')
        .split('\0')
        .filter((file) => file && existsSync(join(root, file)));
      const archive = execFileSync('tar', ['-c', '--null', '-T', '-', '-f', '-'], {
        cwd: root,
        input: files.join('\0'),
        maxBuffer: 1 << 30,
      });
      execFileSync('tar', ['-x', '-C', dir], { input: archive });
    } else {
      log(`building ${commit.slice(0, 10)} (${subject}) in ${dir}`);
      const archive = execFileSync('git', ['archive', '--format=tar', commit], { cwd: root, maxBuffer: 1 << 30 });
      execFileSync('tar', ['-x', '-C', dir], { input: archive });
    }
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    if (worktreeCopy) {
      // Work in progress may not type-check: emit anyway (tsc does unless noEmitOnError), then aliases.
      const bin = (path) => join(root, 'node_modules', path);
      try {
        execFileSync(process.execPath, [bin('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
          cwd: dir,
          stdio: ['ignore', 2, 2],
        });
      } catch {
        typeErrors = true;
        log('the working tree has type errors (emitted anyway)');
      }
      execFileSync(process.execPath, [bin('tsc-alias/dist/bin/index.js'), '-p', 'tsconfig.build.json'], {
        cwd: dir,
        stdio: ['ignore', 2, 2],
      });
    } else {
      execFileSync(process.execPath, [join(dir, 'scripts/build.mjs')], { cwd: dir, stdio: ['ignore', 2, 2] });
    }
    if (!existsSync(join(dir, 'dist/apps/server/main.js')))
      throw new Error('the snapshot build has no dist/apps/server/main.js');
  } catch (error) {
    remove();
    throw error;
  }
  return {
    dir,
    commit,
    describe: worktreeCopy
      ? `copy of the working tree on ${commit.slice(0, 10)}${typeErrors ? ' (with type errors)' : ''}: uncommitted work included`
      : `commit ${commit.slice(0, 10)}: ${subject}`,
    // spawnServer joins its script to the repository root.
    script: (path) => relative(root, join(dir, path)),
    remove,
  };
}
