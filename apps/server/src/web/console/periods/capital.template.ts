import { CAPITAL_POLICY_BOUNDS, type CapitalPolicyModel } from '@guildhall/coop';
import { markup, type SafeHtml } from '../../../pages/html';
import { centsToDecimal } from '../../format';
import { csrfField, formError, formField } from '../../web-components';
import type { WebContext } from '../../web-context';
import { consoleNav } from './console-admin';

export interface CapitalForm {
  revolvingPeriods: string;
  minPayout: string;
  reason: string;
  errors: { revolvingPeriods?: string; minPayout?: string; reason?: string };
  summary: string | null;
}

/** The form's values for the policy in force. */
export function formOf(policy: CapitalPolicyModel): CapitalForm {
  return {
    revolvingPeriods: String(policy.revolvingPeriods),
    minPayout: centsToDecimal(policy.minPayoutCents),
    reason: '',
    errors: {},
    summary: null,
  };
}

/** `/console/capital`: the revolving period and minimum payout in force, and the form to change them. */
export function capitalBody(ctx: WebContext, policy: CapitalPolicyModel, form: CapitalForm): SafeHtml {
  const bounds = CAPITAL_POLICY_BOUNDS;
  const money = (cents: number) => ctx.fmt.money(cents);
  return markup`<h1>Capital policy</h1>
${consoleNav('/console/capital')}
<section aria-labelledby="current-title">
<h2 id="current-title">In force</h2>
<dl class="pairs">
<dt>Revolving period</dt><dd>${ctx.fmt.integer(policy.revolvingPeriods)} closes: capital retained in a period is redeemed once this many later periods have closed
<span class="muted">(bylaws: ${ctx.fmt.integer(bounds.minRevolvingPeriods)} to ${ctx.fmt.integer(bounds.maxRevolvingPeriods)})</span></dd>
<dt>Minimum payout</dt><dd>${money(policy.minPayoutCents)}: members in good standing are paid once owed at least this
<span class="muted">(bylaws: ${money(bounds.minPayoutCents)} to ${money(bounds.maxPayoutCents)})</span></dd>
<dt>Set</dt><dd>${policy.setAt ? ctx.fmt.dateTime(policy.setAt) : "the bylaws' defaults"}</dd>
${policy.reason ? markup`<dt>Reason</dt><dd>${policy.reason}</dd>` : ''}
</dl>
</section>
<section aria-labelledby="change-title">
<h2 id="change-title">Change the policy</h2>
${formError(form.summary)}
<form method="post" action="/console/capital" class="stack">
${csrfField(ctx)}
${formField({
  name: 'revolvingPeriods',
  label: 'Revolving period (closes)',
  type: 'number',
  value: form.revolvingPeriods,
  min: bounds.minRevolvingPeriods,
  max: bounds.maxRevolvingPeriods,
  step: 1,
  required: true,
  hint: `A whole number from ${bounds.minRevolvingPeriods} to ${bounds.maxRevolvingPeriods} (bylaws).`,
  error: form.errors.revolvingPeriods,
})}
${formField({
  name: 'minPayout',
  label: 'Minimum payout',
  value: form.minPayout,
  required: true,
  hint: `An amount from ${money(bounds.minPayoutCents)} to ${money(bounds.maxPayoutCents)} (bylaws), e.g. 25.00.`,
  error: form.errors.minPayout,
})}
${formField({
  name: 'reason',
  label: 'Reason',
  value: form.reason,
  hint: 'Shown with the policy and kept in the audit log.',
  error: form.errors.reason,
})}
<div class="actions"><button type="submit" class="primary">Set the policy</button></div>
</form>
</section>`;
}
