import { BoundedMap } from '@guildhall/core';

/** Statements already translated by `positional`: a few dozen shapes, built from timeline.repository.ts's fragments. */
const POSITIONAL_ENTRIES = 256;
const POSITIONAL = new BoundedMap<string, PositionalStatement>(POSITIONAL_ENTRIES);

/** A statement with `:name` placeholders as PostgreSQL's `$n` text and the names in `$n` order. */
export interface PositionalStatement {
  text: string;
  names: string[];
}

/** `:name` placeholders to PostgreSQL's `$n`, the same name always the same number. */
export function positionalStatement(sql: string): PositionalStatement {
  let translated = POSITIONAL.get(sql);
  if (!translated) {
    const names: string[] = [];
    const text = sql.replace(
      /:(viewerId|afterId|sinceId|minId|lastId|limit|tag|anyTags|allTags|noneTags|accountId|listId)\b/g,
      (_, name: string) => {
        let index = names.indexOf(name);
        if (index < 0) index = names.push(name) - 1;
        return `$${index + 1}`;
      },
    );
    translated = { text, names };
    POSITIONAL.set(sql, translated);
  }
  return translated;
}

/** The statement's text and its parameters in `$n` order (positionalStatement). */
export function positional(sql: string, params: Record<string, unknown>): [string, unknown[]] {
  const { text, names } = positionalStatement(sql);
  return [text, names.map((name) => params[name])];
}
