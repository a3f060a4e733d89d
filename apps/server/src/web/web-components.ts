import { type Interpolation, markup, type SafeHtml } from '../pages/html';
import type { WebContext } from './web-context';

/** The hidden CSRF field every form carries. */
export function csrfField(ctx: WebContext): SafeHtml {
  return markup`<input type="hidden" name="authenticity_token" value="${ctx.csrf}">`;
}

export interface FieldInput {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'number' | 'date' | 'url' | 'search';
  value?: string | number | null;
  hint?: string | null;
  error?: string | null;
  required?: boolean;
  autocomplete?: string;
  /** Extra attributes' values for number inputs. */
  min?: string | number;
  max?: string | number;
  step?: string | number;
  /** An id when two forms on a page share a field name. */
  id?: string;
}

/** A labelled input with its hint and error tied to it by aria-describedby. */
export function formField(input: FieldInput): SafeHtml {
  const id = input.id ?? `field-${input.name}`;
  const hintId = input.hint ? `${id}-hint` : null;
  const errorId = input.error ? `${id}-error` : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ');
  return markup`<div class="field">
<label for="${id}">${input.label}</label>
<input id="${id}" name="${input.name}" type="${input.type ?? 'text'}"${
    input.value !== undefined && input.value !== null ? markup` value="${String(input.value)}"` : ''
  }${input.required ? markup` required` : ''}${input.autocomplete ? markup` autocomplete="${input.autocomplete}"` : ''}${
    input.min !== undefined ? markup` min="${String(input.min)}"` : ''
  }${input.max !== undefined ? markup` max="${String(input.max)}"` : ''}${
    input.step !== undefined ? markup` step="${String(input.step)}"` : ''
  }${describedBy ? markup` aria-describedby="${describedBy}"` : ''}${input.error ? markup` aria-invalid="true"` : ''}>
${input.hint ? markup`<p class="hint" id="${hintId}">${input.hint}</p>` : ''}
${input.error ? markup`<p class="field-error" id="${errorId}">${input.error}</p>` : ''}
</div>`;
}

/** A form's error summary, announced to screen readers. */
export function formError(message: string | null | undefined): SafeHtml {
  return message ? markup`<p class="notice error" role="alert">${message}</p>` : markup``;
}

/** A labelled figure: a label above a big number. */
export function stat(label: string, value: Interpolation, note?: Interpolation): SafeHtml {
  return markup`<div class="stat"><span class="label">${label}</span><span class="value">${value}</span>${
    note ? markup`<span class="muted small">${note}</span>` : ''
  }</div>`;
}

export interface TableColumn<Row> {
  header: string;
  cell: (row: Row) => Interpolation;
  numeric?: boolean;
}

/** A captioned table, scrolling sideways on a phone instead of breaking the page (keyboard too). */
export function dataTable<Row>(
  caption: string,
  columns: TableColumn<Row>[],
  rows: readonly Row[],
  empty = 'Nothing yet.',
): SafeHtml {
  if (!rows.length) return markup`<p class="muted">${empty}</p>`;
  // Focusable and named: a table wider than a phone scrolls, and keyboards must reach it (WCAG 2.1.1).
  return markup`<div class="table-wrap" tabindex="0" role="region" aria-label="${caption}"><table>
<caption>${caption}</caption>
<thead><tr>${columns.map((c) => markup`<th scope="col"${c.numeric ? markup` class="num"` : ''}>${c.header}</th>`)}</tr></thead>
<tbody>
${rows.map(
  (
    row,
  ) => markup`<tr>${columns.map((c) => markup`<td${c.numeric ? markup` class="num"` : ''}>${c.cell(row)}</td>`)}</tr>
`,
)}</tbody>
</table></div>`;
}

/** A section's secondary navigation (the console's and settings' tabs). */
export function subNav(label: string, links: { href: string; label: string }[], current: string): SafeHtml {
  return markup`<nav class="sub" aria-label="${label}"><ul>${links.map(
    (link) =>
      markup`<li><a href="${link.href}"${link.href === current ? markup` aria-current="page"` : ''}>${link.label}</a></li>`,
  )}</ul></nav>`;
}

/** A one-button POST form (e.g. "Admit"), CSRF included; extra hidden fields by name. */
export function actionButton(
  ctx: WebContext,
  action: string,
  label: string,
  fields: Record<string, string> = {},
  kind: 'primary' | 'danger' | '' = '',
): SafeHtml {
  return markup`<form class="inline" method="post" action="${action}">${csrfField(ctx)}${Object.entries(fields).map(
    ([name, value]) => markup`<input type="hidden" name="${name}" value="${value}">`,
  )}<button type="submit"${kind ? markup` class="${kind}"` : ''}>${label}</button></form>`;
}

export interface ConfirmInput {
  title: string;
  /** What will happen, in words, with the consequences. */
  question: Interpolation;
  action: string;
  /** The original form's fields, posted again unchanged. */
  fields?: Record<string, string>;
  confirmLabel: string;
  cancelHref: string;
  danger?: boolean;
}

/**
 * The confirmation step of a destructive action, without JavaScript: the same POST again with
 * `confirm=yes`. The controller performs the action only when `WebApp.confirmed(body)`.
 */
export function confirmForm(ctx: WebContext, input: ConfirmInput): SafeHtml {
  return markup`<h1>${input.title}</h1>
<div class="panel">${input.question}</div>
<form method="post" action="${input.action}">
${csrfField(ctx)}
${Object.entries(input.fields ?? {}).map(([name, value]) => markup`<input type="hidden" name="${name}" value="${value}">`)}
<input type="hidden" name="confirm" value="yes">
<div class="actions">
<button type="submit" class="${input.danger === false ? 'primary' : 'danger'}">${input.confirmLabel}</button>
<a href="${input.cancelHref}">Cancel</a>
</div>
</form>`;
}

export function errorBody(title: string, message: string, back?: Interpolation): SafeHtml {
  return markup`<h1>${title}</h1><p class="notice error" role="alert">${message}</p>${back ? markup`<p>${back}</p>` : ''}`;
}
