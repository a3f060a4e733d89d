import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/**
 * A lib owns its tables (ADR 0024): only its own code writes them, in SQL or otherwise, and other
 * libs call its exported operations. Reading a table of a lib below you (the dependency order of
 * ADR 0006) in a join is allowed: timelines, visibility and collections are one indexed query, not
 * a call per row. This test reads every SQL string in libs/ and apps/ and fails on:
 *   - a write (INSERT, UPDATE, DELETE, TRUNCATE) or a row lock (FOR UPDATE / FOR SHARE) of a
 *     table another lib owns;
 *   - a read of a table owned by a lib that is not below the reader (or any table, from an app:
 *     apps only wire libs);
 *   - a TypeORM write through another lib's entity class (`manager.update(AccountEntity, …)`,
 *     `getRepository(PostEntity).delete(…)`, `.into(FollowEntity)`);
 * unless the finding is listed in EXCEPTIONS with its reason. An exception that no longer matches
 * anything fails too, so the list only shrinks.
 */

const ROOT = join(__dirname, '..', '..');

/** Which libs each lib builds on (ADR 0006); a lib may read, never write, the tables of these. */
const BELOW: Record<string, readonly string[]> = {
  core: [],
  identity: ['core'],
  social: ['core', 'identity'],
  content: ['core', 'identity', 'social'],
  federation: ['core', 'identity', 'social', 'content'],
  coop: ['core', 'identity', 'content'],
  'mastodon-api': ['core', 'identity', 'social', 'content', 'federation', 'coop'],
};

type Kind = 'write' | 'lock' | 'read';

interface Finding {
  file: string;
  table: string;
  owner: string;
  kind: Kind;
}

interface Exception {
  file: string;
  table: string;
  kinds: readonly Kind[];
  why: string;
}

const EXCEPTIONS: readonly Exception[] = [
  {
    file: 'libs/content/src/posts/post-visibility.ts',
    table: 'domain_blocks',
    kinds: ['read'],
    why:
      'The one visibility rule (ADR 0019) hides posts from blocked domains inside the same query; ' +
      'domain blocks live in federation, above content.',
  },
];

const SQL_WRITE = /\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?([a-z_][a-z0-9_]*)"?/gi;
const SQL_READ = /\b(FROM|JOIN)\s+"?([a-z_][a-z0-9_]*)"?/gi;
const SQL_LOCK = /\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE)\b/i;

/** Table → owning lib, from the `@Entity('table')` decorators under libs/; entity class → lib likewise. */
function owners(): { tables: Map<string, string>; entities: Map<string, string> } {
  const tables = new Map<string, string>();
  const entities = new Map<string, string>();
  for (const file of sourceFiles('libs')) {
    if (!file.endsWith('.entity.ts')) continue;
    const lib = file.split('/')[1];
    const source = readFileSync(join(ROOT, file), 'utf8');
    for (const match of source.matchAll(/@Entity\(\s*['"]([a-z0-9_]+)['"]/g)) tables.set(match[1], lib);
    for (const match of source.matchAll(/export class (\w+Entity)\b/g)) entities.set(match[1], lib);
  }
  return { tables, entities };
}

const ORM_WRITE = /\.(?:update|insert|delete|save|upsert|softDelete|increment|decrement|into)\(\s*(\w+Entity)\b/g;
const ORM_REPOSITORY_WRITE =
  /getRepository\((\w+Entity)\)\s*\.(?:update|insert|delete|save|upsert|softDelete|increment|decrement)\(/g;

/** The entity classes a source writes through TypeORM. */
export function entityWritesIn(source: string): string[] {
  return [...source.matchAll(ORM_WRITE), ...source.matchAll(ORM_REPOSITORY_WRITE)].map((match) => match[1]);
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) out.push(path);
  }
  return out;
}

/** The text of every string and template literal in the source (a `${…}` reads as `?`). */
export function stringsOf(source: string): string[] {
  const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, false);
  const texts: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) texts.push(node.text);
    else if (ts.isTemplateExpression(node)) {
      texts.push([node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' ? '));
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return texts;
}

/** The tables a piece of SQL names, and how: written, locked or read. */
export function tablesIn(sql: string, known: ReadonlySet<string>): { table: string; kind: Kind }[] {
  const found: { table: string; kind: Kind }[] = [];
  for (const match of sql.matchAll(SQL_WRITE)) {
    const table = match[2].toLowerCase();
    if (known.has(table)) found.push({ table, kind: 'write' });
  }
  const locks = SQL_LOCK.test(sql);
  for (const match of sql.replace(/\bDELETE\s+FROM\b/gi, 'DELETE').matchAll(SQL_READ)) {
    const table = match[2].toLowerCase();
    if (known.has(table)) found.push({ table, kind: locks ? 'lock' : 'read' });
  }
  return found;
}

function findings({ tables, entities }: ReturnType<typeof owners>): Finding[] {
  const known = new Set(tables.keys());
  const out: Finding[] = [];
  for (const file of [...sourceFiles('libs'), ...sourceFiles('apps')]) {
    const [area, name] = file.split('/');
    const lib = area === 'libs' ? name : null;
    const source = readFileSync(join(ROOT, file), 'utf8');
    for (const entity of entityWritesIn(source)) {
      const owner = entities.get(entity);
      if (owner && owner !== lib) out.push({ file, table: entity, owner, kind: 'write' });
    }
    for (const text of stringsOf(source)) {
      for (const { table, kind } of tablesIn(text, known)) {
        const owner = tables.get(table)!;
        if (owner === lib) continue;
        if (kind === 'read' && lib && BELOW[lib]?.includes(owner)) continue;
        out.push({ file, table, owner, kind });
      }
    }
  }
  return out;
}

const excepted = (finding: Finding, exception: Exception) =>
  exception.file === finding.file && exception.table === finding.table && exception.kinds.includes(finding.kind);

describe('table ownership (ADR 0024)', () => {
  const owned = owners();
  const all = findings(owned);

  it('derives the owners from the entities', () => {
    expect(owned.tables.get('accounts')).toBe('identity');
    expect(owned.tables.get('follows')).toBe('social');
    expect(owned.tables.get('posts')).toBe('content');
    expect(owned.tables.get('domain_blocks')).toBe('federation');
    expect(owned.tables.get('coop_postings')).toBe('coop');
    expect(owned.tables.get('domain_events')).toBe('core');
    expect(owned.entities.get('AccountEntity')).toBe('identity');
    expect(owned.entities.get('PostEntity')).toBe('content');
    expect(Object.keys(BELOW).sort()).toEqual(
      readdirSync(join(ROOT, 'libs'))
        .filter((name) => !name.startsWith('.'))
        .sort(),
    );
  });

  it('tells writes, locks and reads apart in SQL text', () => {
    const known = new Set(['accounts', 'posts', 'follows']);
    expect(tablesIn('UPDATE accounts SET posts_count = posts_count + 1 WHERE id = $1', known)).toEqual([
      { table: 'accounts', kind: 'write' },
    ]);
    expect(tablesIn('DELETE FROM follows WHERE id IN (SELECT id FROM posts)', known)).toEqual([
      { table: 'follows', kind: 'write' },
      { table: 'posts', kind: 'read' },
    ]);
    expect(tablesIn('SELECT id FROM accounts WHERE id = ANY($1) ORDER BY id FOR UPDATE', known)).toEqual([
      { table: 'accounts', kind: 'lock' },
    ]);
    expect(tablesIn('INSERT INTO "posts" (id) VALUES ($1) ON CONFLICT DO UPDATE SET id = 1', known)).toEqual([
      { table: 'posts', kind: 'write' },
    ]);
    expect(tablesIn('No pending follow request from that account', known)).toEqual([]);
    expect(entityWritesIn('await manager.getRepository(AccountEntity).update({ id }, patch);')).toEqual([
      'AccountEntity',
    ]);
    expect(entityWritesIn('manager.createQueryBuilder().insert().into(FollowEntity).values(v)')).toEqual([
      'FollowEntity',
    ]);
    expect(entityWritesIn('manager.getRepository(AccountEntity).findOneBy({ id })')).toEqual([]);
    expect(stringsOf('const q = `UPDATE ${t} SET a = 1 FROM accounts a WHERE x = ${y}`; // FROM posts')).toEqual([
      'UPDATE  ?  SET a = 1 FROM accounts a WHERE x =  ? ',
    ]);
  });

  it("no lib writes, locks or reads upward another lib's tables outside the listed exceptions", () => {
    const unexplained = all
      .filter((finding) => !EXCEPTIONS.some((exception) => excepted(finding, exception)))
      .map((f) => `${f.file}: ${f.kind} of ${f.table} (owned by ${f.owner})`);
    expect([...new Set(unexplained)]).toEqual([]);
  });

  it('every exception still matches a finding (the list only shrinks)', () => {
    const stale = EXCEPTIONS.filter((exception) => !all.some((finding) => excepted(finding, exception))).map(
      (exception) => `${exception.file}: ${exception.table}`,
    );
    expect(stale).toEqual([]);
  });
});
