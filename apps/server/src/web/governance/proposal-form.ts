import { type BylawProblem, GovernanceErrorCode, GovernanceException, type GovernedParameters } from '@guildhall/coop';
import { field } from '../../pages/oauth/oauth-page';
import type { FormBody as FormInput } from '../web-app';
import { parameterFields, type ParameterField } from './parameter-fields';

const MAX_RATIONALE = 5000;
const WHOLE = /^-?\d{1,16}$/;

/** Where a refusal is shown: a field's form name, `pools` (the pools together) or `form`. */
export type FormErrors = Record<string, string>;

/** The propose form's input for the lib, what the member typed (to show again) and field errors. */
export interface ReadProposal {
  input: {
    rationale: string;
    votingDays: number;
    cashBps?: number;
    reserveBps?: number;
    commonsBps?: number;
    unitBudget?: number;
    minMemberAgeDays?: number;
    vestingPeriods?: number;
    pools?: { pool: string; bps: number }[];
    federatedInstances?: string[];
  };
  typed: Record<string, string>;
  errors: FormErrors;
}

type IntKey = 'cashBps' | 'reserveBps' | 'commonsBps' | 'unitBudget' | 'minMemberAgeDays' | 'vestingPeriods';

/**
 * Reads the propose form: each field prefilled with the value the next period opens with, so a
 * field left as it was is not a change. Only the format is checked here (whole numbers, lengths);
 * the bylaws are the lib's, whose refusals `bylawErrors` maps back to the fields.
 */
export function readProposalForm(body: FormInput, base: GovernedParameters): ReadProposal {
  const fields = parameterFields(base);
  const typed: Record<string, string> = {};
  const errors: FormErrors = {};
  const input: ReadProposal['input'] = { rationale: field(body, 'rationale').trim(), votingDays: 7 };
  typed.rationale = field(body, 'rationale');
  if (input.rationale.length > MAX_RATIONALE)
    errors.rationale = `Keep the rationale under ${MAX_RATIONALE} characters.`;
  const votingDays = field(body, 'votingDays').trim();
  typed.votingDays = votingDays;
  if (votingDays) {
    if (WHOLE.test(votingDays)) input.votingDays = Number(votingDays);
    else errors.votingDays = 'Enter a whole number of days.';
  }
  const pools: { pool: string; bps: number }[] = [];
  let poolsChanged = false;
  for (const f of fields) {
    const raw = field(body, f.name).trim();
    typed[f.name] = raw;
    if (f.kind === 'hosts') {
      const hosts = raw ? raw.split(/[\s,]+/).filter(Boolean) : [];
      if (JSON.stringify(hosts) !== JSON.stringify(f.value(base))) input.federatedInstances = hosts;
      continue;
    }
    const old = f.value(base) as number;
    let value = old;
    if (raw !== '') {
      if (!WHOLE.test(raw)) {
        errors[f.name] = 'Enter a whole number.';
        continue;
      }
      value = Number(raw);
    }
    if (f.libField.startsWith('pools.')) {
      pools.push({ pool: f.libField.slice('pools.'.length), bps: value });
      if (value !== old) poolsChanged = true;
    } else if (value !== old) {
      input[f.libField as IntKey] = value;
    }
  }
  // Pools are replaced whole: every pool goes with a change to any of them.
  if (poolsChanged) input.pools = pools;
  return { input, typed, errors };
}

/** A lib refusal as field errors, when it is the bylaws' (or null: show it as the page's error). */
export function bylawErrors(error: unknown, base: GovernedParameters): FormErrors | null {
  if (!(error instanceof GovernanceException) || error.reason !== GovernanceErrorCode.OutsideBylaws) return null;
  const problems = (error.details.problems ?? []) as BylawProblem[];
  const byLibField = new Map<string, ParameterField>(parameterFields(base).map((f) => [f.libField, f]));
  const errors: FormErrors = {};
  for (const problem of problems) {
    const name =
      byLibField.get(problem.field)?.name ??
      (problem.field === 'votingDays' ? 'votingDays' : problem.field.startsWith('pools') ? 'pools' : 'form');
    errors[name] = errors[name] ? `${errors[name]}; ${problem.message}` : problem.message;
  }
  return errors;
}
