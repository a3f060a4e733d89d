import { DomainException, GraphqlErrorCode } from '../errors/domain.exception';

/**
 * marked looks for the closer of each emphasis or link opener through the rest of its paragraph:
 * work grows with (openers × paragraph length), ~9 s for 100,000 characters of `*a` (ADR 0020).
 * A paragraph may hold this many of `*`, `_`, `~` and `[` (fenced code excluded), plenty for prose.
 */
export const MAX_DELIMITERS_PER_PARAGRAPH = 200;
/** Lines of one paragraph (each a line break to match): 50,000 took seconds. */
export const MAX_LINES_PER_PARAGRAPH = 1000;

export class MarkdownTooComplexException extends DomainException<'MARKDOWN_TOO_COMPLEX'> {
  readonly graphqlCode = GraphqlErrorCode.BAD_USER_INPUT;

  constructor(message: string) {
    super('MARKDOWN_TOO_COMPLEX', `${message}; split it with blank lines or put the text in a code block`, {
      maxDelimiters: MAX_DELIMITERS_PER_PARAGRAPH,
      maxLines: MAX_LINES_PER_PARAGRAPH,
    });
  }
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Throws MarkdownTooComplexException when a paragraph (lines between blank lines, outside fenced
 * code) holds more delimiters than marked can match in bounded time. One linear pass.
 */
export function assertRenderable(source: string): void {
  let fence: string | null = null;
  let delimiters = 0;
  let lines = 0;
  let most = 0;
  let longest = 0;
  for (const line of source.split('\n')) {
    const opener = FENCE.exec(line)?.[1];
    if (fence) {
      if (opener && opener[0] === fence[0] && opener.length >= fence.length) fence = null;
      continue;
    }
    if (opener) {
      fence = opener;
      delimiters = lines = 0;
      continue;
    }
    if (line.trim() === '') {
      delimiters = lines = 0;
      continue;
    }
    longest = Math.max(longest, ++lines);
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      // * _ ~ [
      if (c === 42 || c === 95 || c === 126 || c === 91) delimiters++;
    }
    most = Math.max(most, delimiters);
  }
  if (most > MAX_DELIMITERS_PER_PARAGRAPH) {
    throw new MarkdownTooComplexException(
      `A paragraph has ${most} of the characters * _ ~ [, more than the ${MAX_DELIMITERS_PER_PARAGRAPH} it may hold`,
    );
  }
  if (longest > MAX_LINES_PER_PARAGRAPH) {
    throw new MarkdownTooComplexException(
      `A paragraph has ${longest} lines, more than the ${MAX_LINES_PER_PARAGRAPH} it may hold`,
    );
  }
}
