/**
 * C0 control characters but tab, line feed and carriage return. NUL among them: PostgreSQL's
 * text and jsonb refuse it, so one in a remote field would fail the inbox job on every retry.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

/** `value` without the control characters no stored text may hold. */
export function stripControls(value: string): string {
  return value.replace(CONTROLS, '');
}

/**
 * A text field of a remote document (a plain or language-tagged string: Fedify's LanguageString)
 * as it may be stored: control characters removed. Every remote text is read through this, at
 * the mapping boundary (actors in RemoteActorService, posts and media in the inbox mappers).
 */
export function remoteText(value: { toString(): string } | null | undefined): string | null {
  return value == null ? null : stripControls(value.toString());
}
