import type { ListedPayment, WebhookDeliveryEntity } from '@guildhall/coop';
import { markup, type SafeHtml } from '../../pages/html';
import { csrfField, dataTable, formError, formField } from '../web-components';
import type { MemberContext } from '../web-context';
import { consoleNav } from './console-nav';

export type MoneyKind = 'revenue' | 'cost';

/** What a refused form keeps: the steward's entries and the error, shown on its own form. */
export interface MoneyDraft {
  kind: MoneyKind;
  amount: string;
  currency: string;
  memo: string;
  member: string;
  error: string;
  field: 'amount' | 'currency' | 'memo' | 'member' | null;
}

export interface MoneyInput {
  currency: string;
  payments: ListedPayment[];
  paymentsNext: string | null;
  deliveries: WebhookDeliveryEntity[];
  deliveriesNext: string | null;
  webhookEnabled: boolean;
  /** A fresh idempotency id per form: a form sent twice records one payment. */
  paymentIds: Record<MoneyKind, string>;
  draft?: MoneyDraft | null;
}

function moneyForm(ctx: MemberContext, input: MoneyInput, kind: MoneyKind): SafeHtml {
  const draft = input.draft?.kind === kind ? input.draft : null;
  const errorOf = (name: MoneyDraft['field']) => (draft && draft.field === name ? draft.error : null);
  const id = (name: string) => `${kind}-${name}`;
  const title = kind === 'revenue' ? 'Record revenue' : 'Record a cost';
  return markup`<section class="panel" aria-labelledby="${id('title')}">
<h2 id="${id('title')}">${title}</h2>
${draft && !draft.field ? formError(draft.error) : ''}
<form method="post" action="/console/money/${kind}" class="stack">
${csrfField(ctx)}
<input type="hidden" name="payment_id" value="${input.paymentIds[kind]}">
${formField({
  id: id('amount'),
  name: 'amount',
  label: 'Amount',
  value: draft?.amount ?? '',
  hint: `In ${input.currency}, e.g. 1234.50 — digits and at most two decimals.`,
  error: errorOf('amount'),
  required: true,
})}
${formField({
  id: id('currency'),
  name: 'currency',
  label: 'Currency',
  value: draft?.currency ?? input.currency,
  hint: `The co-op keeps its books in ${input.currency}; convert other currencies first.`,
  error: errorOf('currency'),
  required: true,
})}
${formField({
  id: id('memo'),
  name: 'memo',
  label: 'Memo',
  value: draft?.memo ?? '',
  hint: kind === 'revenue' ? 'What it was, e.g. "Subscriptions, March".' : 'What it paid for, e.g. "Hosting, March".',
  error: errorOf('memo'),
})}
${
  kind === 'revenue'
    ? formField({
        id: id('member'),
        name: 'member',
        label: 'Paid by member (optional)',
        value: draft?.member ?? '',
        hint: "A member's handle when a member paid it (counts as their SPENT contribution).",
        error: errorOf('member'),
      })
    : ''
}
<div class="actions"><button type="submit" class="primary">${title}</button></div>
</form>
</section>`;
}

/** `/console/money`: record money in and out, the payments recorded and the webhook log. */
export function moneyBody(ctx: MemberContext, input: MoneyInput): SafeHtml {
  const { fmt } = ctx;
  const payments = dataTable(
    'Payments recorded, newest first',
    [
      { header: 'Recorded', cell: (p) => fmt.dateTime(p.occurredAt) },
      { header: 'Kind', cell: (p) => markup`<span class="badge${p.kind === 'revenue' ? ' ok' : ''}">${p.kind}</span>` },
      { header: 'Amount', cell: (p) => fmt.money(p.amountCents, input.currency), numeric: true },
      { header: 'Memo', cell: (p) => p.memo || '—' },
      {
        header: 'Paid by',
        cell: (p) => (p.memberHandle ? markup`<a href="/@${p.memberHandle}">@${p.memberHandle}</a>` : '—'),
      },
      { header: 'Payment id', cell: (p) => markup`<code>${p.id}</code>` },
    ],
    input.payments,
    'No payments recorded yet.',
  );
  const deliveries = dataTable(
    'Payment webhook deliveries, newest first',
    [
      { header: 'Received', cell: (d) => fmt.dateTime(d.receivedAt) },
      { header: 'From', cell: (d) => markup`<code>${d.source}</code>` },
      {
        header: 'Status',
        cell: (d) =>
          markup`<span class="badge ${d.status === 'accepted' ? 'ok' : 'danger'}">${d.status}</span> ${String(d.httpStatus)}`,
      },
      { header: 'Reason', cell: (d) => d.reason ?? '—' },
      { header: 'Payment id', cell: (d) => (d.paymentId ? markup`<code>${d.paymentId}</code>` : '—') },
    ],
    input.deliveries,
    'No deliveries yet.',
  );
  return markup`<h1>Money</h1>
${consoleNav('/console/money')}
<p>Revenue and costs recorded here or by the payment webhook are counted by the open period's close. Amounts are in ${input.currency}.</p>
${
  ctx.isAdmin
    ? markup`<div class="grid">${moneyForm(ctx, input, 'revenue')}${moneyForm(ctx, input, 'cost')}</div>`
    : markup`<p class="notice warn">Only admins record money; you can read the payments and the webhook log.</p>`
}
<section aria-labelledby="payments-title">
<h2 id="payments-title">Payments</h2>
${payments}
${input.paymentsNext ? markup`<p><a href="/console/money?payments_after=${input.paymentsNext}">Older payments</a></p>` : ''}
</section>
<section aria-labelledby="webhook-title">
<h2 id="webhook-title">Payment webhook log</h2>
<p>${
    input.webhookEnabled
      ? markup`The webhook at <code>POST /api/v1/coop/payments</code> is on. The newest 1,000 deliveries are kept, accepted or refused and why.`
      : markup`The webhook is off: set <code>COOP_WEBHOOK_SECRET</code> to let a payment provider record payments.`
  }</p>
${deliveries}
${input.deliveriesNext ? markup`<p><a href="/console/money?log_after=${input.deliveriesNext}">Older deliveries</a></p>` : ''}
</section>`;
}
