/** Statements already translated by `positional`: a few dozen shapes, built from timeline.repository.ts's fragments. */
const POSITIONAL = new Map<string, { text: string; names: string[] }>();
const POSITIONAL_ENTRIES = 256;

/** `:name` placeholders to PostgreSQL's `$n`, the same name always the same number. */
export function positional(sql: string, params: Record<string, unknown>): [string, unknown[]] {
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
    if (POSITIONAL.size >= POSITIONAL_ENTRIES) POSITIONAL.delete(POSITIONAL.keys().next().value!);
    POSITIONAL.set(sql, translated);
  }
  return [translated.text, translated.names.map((name) => params[name])];
}
