import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface FileSum {
  bytes: number;
  sha256: string;
}

export async function sha256File(path: string): Promise<FileSum> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

const missing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** Every regular file under `root`, as '/'-separated paths relative to it, sorted. */
export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (missing(error)) return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) out.push(relative(root, path).split(sep).join('/'));
    }
  };
  await walk(root);
  return out.sort();
}

/**
 * Copies the tree under `from` into `to`. `skip(path, isDirectory)` leaves out a file, or a
 * directory's contents (the directory itself is still created). A file that disappears while
 * we walk (a live PostgreSQL removes temporary files) is skipped, not an error.
 */
export async function copyTree(
  from: string,
  to: string,
  skip: (path: string, isDirectory: boolean) => boolean = () => false,
): Promise<number> {
  let copied = 0;
  const walk = async (rel: string): Promise<void> => {
    await mkdir(join(to, rel), { recursive: true, mode: 0o700 });
    let entries;
    try {
      entries = await readdir(join(from, rel), { withFileTypes: true });
    } catch (error) {
      if (missing(error)) return;
      throw error;
    }
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (skip(path, true)) await mkdir(join(to, path), { recursive: true, mode: 0o700 });
        else await walk(path);
      } else if (entry.isFile() && !skip(path, false)) {
        try {
          await copyFile(join(from, path), join(to, path));
          copied++;
        } catch (error) {
          if (!missing(error)) throw error;
        }
      }
    }
  };
  await walk('');
  return copied;
}

/** True when `dir` does not exist or holds nothing. */
export async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    if (!(await stat(dir)).isDirectory()) return false;
    return (await readdir(dir)).length === 0;
  } catch (error) {
    if (missing(error)) return true;
    throw error;
  }
}
