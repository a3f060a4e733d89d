import type { PeriodParameters } from './engine/snapshot';

/**
 * The bylaws' parameters until governance adopts others: SPEC §3's example. They are copied onto
 * each period when it opens (frozen there); a change applies only to periods opened after it.
 */
export const DEFAULT_PARAMETERS: PeriodParameters = {
  reserveBps: 2500,
  commonsBps: 500,
  pools: { CREATOR: 6000, CURATION: 1500, SPEND: 2500 },
  cashBps: 2000,
  unitBudget: 10000,
  minMemberAgeDays: 7,
  federatedInstances: [],
  contributionTypes: {
    PUBLISHED: { rule: 'count', pool: 'CREATOR', points: 10, cap: 100 },
    ENGAGED: { rule: 'budget', pool: 'CREATOR', budget: 100 },
    CURATED: { rule: 'count', pool: 'CURATION', points: 4, cap: 100 },
    MODERATED: { rule: 'count', pool: 'CURATION', points: 5, cap: 100 },
    SPENT: { rule: 'amount', pool: 'SPEND', points: 1, cap: null },
  },
};

/** Units issued at the close of period p vest at the close of period p + VESTING_PERIODS. */
export const DEFAULT_VESTING_PERIODS = 3;

/** The membership share every member pays in once, at par, redeemed at par on withdrawal (cents). */
export const DEFAULT_SHARE_PAR_CENTS = 1000;

/**
 * Revolving fund (SPEC §1, §7): the capital retained in a period (its vintage) is redeemed once
 * this many later periods have closed — 60 monthly periods, five years, the usual Subchapter T
 * revolving cycle. The board (admins) may change it within CAPITAL_POLICY_BOUNDS.
 */
export const DEFAULT_REVOLVING_PERIODS = 60;

/**
 * A payout run pays a member in good standing only when what it is owed (patronage and
 * redemptions payable) reaches this; smaller amounts are carried to a later run (cents).
 */
export const DEFAULT_MIN_PAYOUT_CENTS = 2500;

/** What the bylaws let the board set for the revolving fund and the payout threshold. */
export const CAPITAL_POLICY_BOUNDS = {
  minRevolvingPeriods: 1,
  /** Twenty years of monthly periods. */
  maxRevolvingPeriods: 240,
  minPayoutCents: 0,
  maxPayoutCents: 100_000,
} as const;

/**
 * Money the cooperative accepts, so that a close never breaks on what was recorded (finding 16).
 * The engine takes every amount as a safe integer (|n| ≤ 2^53 − 1 ≈ 9.007 × 10^15) and refuses a
 * snapshot whose closing balances would not be one, and recorded payments cannot be taken back:
 * one payment is at most 10^11 cents (a billion), and a payment is refused when the open
 * period's opening reserve, commons and loss carryforward plus its revenue and costs would pass
 * 10^15 cents. Every later close then stays within 10^15 too: its closing reserve + commons +
 * carryforward is at most its opening sum plus its revenue and costs, the next period's opening.
 */
export const MONEY_BOUNDS = {
  maxPaymentCents: 100_000_000_000,
  maxPeriodMoneyCents: 1_000_000_000_000_000,
} as const;
