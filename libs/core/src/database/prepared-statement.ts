import { createHash } from 'node:crypto';

/**
 * How many statement texts one process may name (ADR 0066). PostgreSQL keeps each named statement
 * in every pooled connection that ran it, about 1 MB for a timeline statement with its generic
 * plan, so the set is bounded: past it, texts run unnamed (planned on every execution, as before).
 */
export const PREPARED_STATEMENT_LIMIT = 32;

const NAMES = new Map<string, string>();

/**
 * The query to hand `DataSource.query` so that node-postgres runs `text` as a named prepared
 * statement: parsed once per pooled connection (the text is not sent again), and after five
 * executions PostgreSQL may keep one generic plan for it instead of planning each one. The value
 * is node-postgres's query config (`{ name, text }`), which TypeORM passes through unchanged; its
 * `toString()` is the text, for whatever logs or records it. Texts past the bound run unnamed.
 *
 * For hot statements only, whose text is one of a few shapes (values go in parameters, never
 * into the text) and whose generic plan is as good as a custom one.
 */
export function preparedStatement(text: string): string {
  let name = NAMES.get(text);
  if (name === undefined) {
    if (NAMES.size >= PREPARED_STATEMENT_LIMIT) return text;
    name = `gh_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    NAMES.set(text, name);
  }
  const statement = { name, text, toString: () => text };
  return statement as unknown as string;
}
