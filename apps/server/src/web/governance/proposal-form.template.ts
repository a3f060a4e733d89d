import { BYLAW_BOUNDS, type GovernedParameters } from '@guildhall/coop';
import { markup, type SafeHtml } from '../../pages/html';
import { csrfField, formError, formField } from '../web-components';
import type { WebContext } from '../web-context';
import type { FormErrors } from './proposal-form';
import { parameterFields, type ParameterField, shownValue } from './parameter-fields';

export interface ProposalFormInput {
  base: GovernedParameters;
  canPropose: boolean;
  /** What the member typed (a refused form shows it again); else each field's current value. */
  typed?: Record<string, string>;
  errors?: FormErrors;
}

function valueOf(f: ParameterField, base: GovernedParameters, typed?: Record<string, string>): string {
  if (typed && typed[f.name] !== undefined) return typed[f.name];
  const value = f.value(base);
  return Array.isArray(value) ? value.join(', ') : String(value ?? '');
}

function parameterInput(ctx: WebContext, f: ParameterField, input: ProposalFormInput): SafeHtml {
  const current = shownValue(ctx.fmt, f, f.value(input.base));
  return formField({
    name: f.name,
    label: f.label,
    type: f.kind === 'hosts' ? 'text' : 'number',
    value: valueOf(f, input.base, input.typed),
    min: f.min,
    max: f.max,
    step: f.kind === 'hosts' ? undefined : 1,
    hint: `Now: ${current}. ${f.bounds(ctx.fmt)}`,
    error: input.errors?.[f.name] ?? null,
  });
}

/** The propose form: every governed parameter prefilled with its current value, bounds as hints. */
export function proposalFormBody(ctx: WebContext, input: ProposalFormInput): SafeHtml {
  const fields = parameterFields(input.base);
  const pools = fields.filter((f) => f.libField.startsWith('pools.'));
  const others = fields.filter((f) => !f.libField.startsWith('pools.'));
  const errors = input.errors ?? {};
  const summary = Object.keys(errors).length
    ? (errors.form ?? 'The proposal was not made: see the fields marked below.')
    : null;
  return markup`<p><a href="/governance">← All proposals</a></p>
<h1>Propose a change</h1>
<p>Change any of the parameters the next periods open with. Fields you leave as they are stay unchanged. The bylaws' bounds are under each field; a proposal outside them is refused.</p>
${input.canPropose ? '' : markup`<p class="notice warn">Only active members of the co-op propose. You can read the form, but it will be refused.</p>`}
<form class="stack" method="post" action="/governance/new" novalidate>
${csrfField(ctx)}
${formError(summary)}
<div class="field">
<label for="field-rationale">Why (shown to the members who vote)</label>
<textarea id="field-rationale" name="rationale" maxlength="5000"${errors.rationale ? markup` aria-invalid="true" aria-describedby="field-rationale-error"` : ''}>${input.typed?.rationale ?? ''}</textarea>
${errors.rationale ? markup`<p class="field-error" id="field-rationale-error">${errors.rationale}</p>` : ''}
</div>
${others.slice(0, 3).map((f) => parameterInput(ctx, f, input))}
<fieldset class="pools"${errors.pools ? markup` aria-describedby="pools-error"` : ''}>
<legend>Patronage pools</legend>
${errors.pools ? markup`<p class="field-error" id="pools-error">${errors.pools}</p>` : ''}
${pools.map((f) => parameterInput(ctx, f, input))}
</fieldset>
${others.slice(3).map((f) => parameterInput(ctx, f, input))}
${formField({
  name: 'votingDays',
  label: 'Days the vote stays open',
  type: 'number',
  value: input.typed?.votingDays || String(BYLAW_BOUNDS.defaultVotingDays),
  min: 1,
  max: BYLAW_BOUNDS.maxVotingDays,
  step: 1,
  hint: `1 to ${BYLAW_BOUNDS.maxVotingDays} days; the vote is decided on its own when it closes.`,
  error: errors.votingDays ?? null,
})}
<div class="actions"><button type="submit" class="primary">Propose</button><a href="/governance">Cancel</a></div>
</form>`;
}
