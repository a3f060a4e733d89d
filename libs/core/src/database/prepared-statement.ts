import { createHash } from 'node:crypto';

/**
 * How many statement texts built from inputs one process may name (ADR 0066). PostgreSQL keeps
 * each named statement in every pooled connection that ran it, about 1 MB for a timeline statement
 * with its generic plan, so the set is bounded: past it, texts run unnamed (planned on every
 * execution, as before).
 */
export const PREPARED_STATEMENT_LIMIT = 32;
/**
 * How many constant texts (written in the code, one per call site: `{ constant: true }`) one
 * process may name, counted apart so that texts built from inputs cannot crowd them out (ADR 0067).
 * The code holds fewer; the bound only catches a caller that is not constant after all.
 */
export const PREPARED_CONSTANT_LIMIT = 64;

const NAMES = new Map<string, string>();
let built = 0;
let constants = 0;

/**
 * The query to hand `DataSource.query` so that node-postgres runs `text` as a named prepared
 * statement: parsed once per pooled connection (the text is not sent again) and planned once, its
 * generic plan kept from the first execution (`SESSION_OPTIONS`' `plan_cache_mode`, ADR 0067).
 * The value is node-postgres's query config (`{ name, text }`), which TypeORM passes through
 * unchanged; its `toString()` is the text, for whatever logs or records it. Texts past their bound
 * run unnamed.
 *
 * For hot statements only, whose text is one of a few shapes (values go in parameters, never
 * into the text) and whose generic plan is as good as a custom one: measure that before naming a
 * statement (ADR 0067 says how; a forced generic plan can be several times slower). `constant`:
 * the text is a constant of the code (not built from inputs), so it counts against its own bound.
 */
export function preparedStatement(text: string, { constant = false }: { constant?: boolean } = {}): string {
  let name = NAMES.get(text);
  if (name === undefined) {
    if (constant ? constants >= PREPARED_CONSTANT_LIMIT : built >= PREPARED_STATEMENT_LIMIT) return text;
    if (constant) constants++;
    else built++;
    name = `gh_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    NAMES.set(text, name);
  }
  const statement = { name, text, toString: () => text };
  return statement as unknown as string;
}

/**
 * `query` (a text, or what `preparedStatement` returned) read with node-postgres's
 * `rowMode: 'array'`: each row comes back as an array of its columns in select order instead of
 * an object keyed by their names (ADR 0068). For wide hot reads mapped by position
 * (`RowMapper.mapAt`); TypeORM passes the config through as it does a named statement's.
 */
export function withArrayRows(query: string): string {
  // A named statement is already node-postgres's config object behind the `string` type.
  const given: unknown = query;
  const config = typeof given === 'string' ? { text: given, toString: () => given } : (given as object);
  return { ...config, rowMode: 'array' } as unknown as string;
}
