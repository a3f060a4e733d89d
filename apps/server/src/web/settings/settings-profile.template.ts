import {
  MAX_ALT_TEXT_LENGTH,
  MAX_BIO_LENGTH,
  MAX_DISPLAY_NAME_LENGTH,
  MAX_FIELD_NAME_LENGTH,
  MAX_FIELD_VALUE_LENGTH,
} from '@guildhall/content';
import { markup, type SafeHtml } from '../../pages/html';
import { csrfField, formError, formField } from '../web-components';
import type { MemberContext } from '../web-context';
import { type FieldErrors, fieldInputName, type ProfileDraft } from './profile-form';
import { settingsHeader } from './settings-nav';

/** A profile picture as it is now: its id (for the preview) and description. */
export interface CurrentPicture {
  mediaId: string;
  description: string | null;
}

export interface ProfilePageInput {
  draft: ProfileDraft;
  errors: FieldErrors;
  profileError?: string | null;
  avatar: CurrentPicture | null;
  header: CurrentPicture | null;
  picturesError?: string | null;
  pictureErrors?: FieldErrors;
  /** Descriptions as typed, when the pictures form is shown again after a refusal. */
  typedDescriptions?: Partial<Record<'avatar' | 'header', string>>;
  maxBytes: number;
}

function textArea(name: string, label: string, value: string, hint: string, error: string | undefined): SafeHtml {
  const id = `field-${name}`;
  const describedBy = [`${id}-hint`, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return markup`<div class="field"><label for="${id}">${label}</label>
<textarea id="${id}" name="${name}" aria-describedby="${describedBy}"${error ? markup` aria-invalid="true"` : ''}>${value}</textarea>
<p class="hint" id="${id}-hint">${hint}</p>
${error ? markup`<p class="field-error" id="${id}-error">${error}</p>` : ''}</div>`;
}

function checkbox(name: string, label: string, checked: boolean, hint: string): SafeHtml {
  return markup`<div class="field"><label class="check" for="field-${name}"><input type="checkbox" id="field-${name}" name="${name}" value="1"${
    checked ? markup` checked` : ''
  } aria-describedby="field-${name}-hint"> ${label}</label>
<p class="hint" id="field-${name}-hint">${hint}</p></div>`;
}

function profileFieldRows(draft: ProfileDraft, errors: FieldErrors): SafeHtml {
  return markup`<fieldset><legend>Profile fields</legend>
<p class="hint">Up to ${draft.fields.length} label and content pairs shown on your profile, e.g. “Website” and a link, which becomes clickable.
Labels and contents are at most ${MAX_FIELD_NAME_LENGTH} and ${MAX_FIELD_VALUE_LENGTH} characters. Leave a row empty to remove it.</p>
<div class="field-rows">${draft.fields.map(
    (row, i) =>
      markup`<div class="field-row">${formField({
        name: fieldInputName(i, 'name'),
        label: `Label ${i + 1}`,
        value: row.name,
        error: errors[fieldInputName(i, 'name')],
      })}${formField({
        name: fieldInputName(i, 'value'),
        label: `Content ${i + 1}`,
        value: row.value,
        error: errors[fieldInputName(i, 'value')],
      })}</div>`,
  )}</div></fieldset>`;
}

function picture(
  kind: 'avatar' | 'header',
  current: CurrentPicture | null,
  errors: FieldErrors,
  typed: string | undefined,
): SafeHtml {
  const label = kind === 'avatar' ? 'Avatar' : 'Header';
  const described = current?.description?.trim();
  const preview = current
    ? markup`<figure class="picture ${kind}"><img src="/media/${current.mediaId}/small" alt="${
        described ? described : `Your current ${kind} (no description)`
      }"><figcaption class="muted small">Current ${kind}${described ? '' : ' — it has no description yet'}</figcaption></figure>`
    : markup`<p class="muted">No ${kind} yet.</p>`;
  const fileId = `field-${kind}`;
  return markup`<fieldset><legend>${label}</legend>
${preview}
<div class="field"><label for="${fileId}">New ${kind} image</label>
<input type="file" id="${fileId}" name="${kind}" accept="image/png,image/jpeg,image/gif,image/webp,image/avif" aria-describedby="${fileId}-hint">
<p class="hint" id="${fileId}-hint">${
    kind === 'avatar' ? 'Square works best; it is shown small.' : 'A wide image (3:1) across the top of your profile.'
  } PNG, JPEG, GIF, WebP or AVIF. Leave empty to keep the current one.</p></div>
${textArea(
  `${kind}_description`,
  `${label} description (alt text)`,
  typed ?? current?.description ?? '',
  `For people who cannot see the image. At most ${MAX_ALT_TEXT_LENGTH} characters.`,
  errors[`${kind}_description`],
)}
</fieldset>`;
}

export function profilePageBody(ctx: MemberContext, input: ProfilePageInput): SafeHtml {
  const { draft, errors } = input;
  return markup`${settingsHeader('/settings', 'Profile settings')}
<section class="panel" aria-labelledby="profile-title">
<h2 id="profile-title">Profile</h2>
<p>How you appear on <a href="/@${ctx.signedIn.account.username}">your profile</a> here and on other servers.</p>
${formError(input.profileError)}
<form method="post" action="/settings/profile" class="stack">
${csrfField(ctx)}
${formField({
  name: 'display_name',
  label: 'Display name',
  value: draft.displayName,
  error: errors.display_name,
  hint: `At most ${MAX_DISPLAY_NAME_LENGTH} characters. Leave empty to show your username.`,
  autocomplete: 'nickname',
})}
${textArea('bio', 'Bio', draft.bio, `Markdown. At most ${MAX_BIO_LENGTH} characters.`, errors.bio)}
${profileFieldRows(draft, errors)}
${checkbox('locked', 'Approve followers', draft.locked, 'New followers wait until you accept them.')}
${checkbox('discoverable', 'Suggest my account to others', draft.discoverable, 'Your profile may appear in directories and suggestions.')}
<div class="actions"><button type="submit" class="primary">Save profile</button></div>
</form>
</section>
<section class="panel" aria-labelledby="pictures-title">
<h2 id="pictures-title">Pictures</h2>
${formError(input.picturesError)}
<form method="post" action="/settings/pictures" enctype="multipart/form-data" class="stack">
${csrfField(ctx)}
${picture('avatar', input.avatar, input.pictureErrors ?? {}, input.typedDescriptions?.avatar)}
${picture('header', input.header, input.pictureErrors ?? {}, input.typedDescriptions?.header)}
<p class="hint">Each image at most ${(input.maxBytes / 1_048_576).toFixed(1).replace(/\.0$/, '')} MB; location and camera data are removed.</p>
<div class="actions"><button type="submit" class="primary">Save pictures</button></div>
</form>
${
  input.avatar || input.header
    ? markup`<div class="actions">${input.avatar ? removeButton(ctx, 'avatar') : ''}${input.header ? removeButton(ctx, 'header') : ''}</div>`
    : ''
}
</section>`;
}

function removeButton(ctx: MemberContext, kind: 'avatar' | 'header'): SafeHtml {
  return markup`<form class="inline" method="post" action="/settings/pictures/remove">${csrfField(ctx)}<input type="hidden" name="kind" value="${kind}"><button type="submit" class="danger">Remove ${kind}</button></form>`;
}
