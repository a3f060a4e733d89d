import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  CapitalException,
  CapitalService,
  ContributionReconciler,
  formatProblem,
  InvalidSnapshotError,
  LedgerVerifier,
  replay,
  type ReconciliationReport,
  type SnapshotProblem,
} from '@guildhall/coop';
import { UsageError, withContext } from '../cli-context';

/**
 * `guildhall coop payouts` runs the payout run; `guildhall coop verify` checks the ledger.
 * `guildhall coop replay <snapshot.json>`: re-runs a period close from its published snapshot
 * with the pure engine — no database, no Nest context — so any member can check a close.
 */
export function registerCoopCommands(program: Command): void {
  const coop = program.command('coop').description('the cooperative: period closes and the ledger');
  coop
    .command('replay')
    .description(
      'recompute a period close from its snapshot (SPEC §2–§6) without a database; prints the result ' +
        'as one line of JSON on stdout (--pretty: indented). An invalid snapshot exits 2 with every ' +
        'problem on stderr, one per line, each at its JSON path.',
    )
    .argument('<snapshot.json>', 'a guildhall.period-snapshot/1 document')
    .option('--pretty', 'indent the result JSON by two spaces')
    .action((file: string, options: { pretty?: boolean }) => {
      const result = replayFile(file);
      process.stdout.write(JSON.stringify(result, null, options.pretty ? 2 : undefined) + '\n');
    });
  coop
    .command('verify')
    .description(
      'recompute every ledger balance from the postings and re-run every closed period from its stored ' +
        'snapshot, and check that every post, like, boost, reply and member payment since the last close ' +
        'has exactly the contributions (and reversals) the recorder makes for it; prints a JSON report on ' +
        'stdout, each contribution difference also as a line on stderr, and exits 1 when anything differs',
    )
    .option('--pretty', 'indent the report JSON by two spaces')
    .option('--balances', 'also list every balance (per ledger, account, member and vintage)')
    .option(
      '--repair',
      'first record the missing contributions and reversals of the open period, under the ids the recorder ' +
        'uses (so a repeat records nothing); the report is the check after it',
    )
    .action(async (options: { pretty?: boolean; balances?: boolean; repair?: boolean }) => {
      const { ledger, contributions } = await withContext({ migrate: false }, async (app) => ({
        contributions: await app.get(ContributionReconciler).reconcile({ repair: options.repair === true }),
        ledger: await app.get(LedgerVerifier).verify(),
      }));
      const report = { ...ledger, ok: ledger.ok && contributions.ok, contributions };
      const shown = options.balances
        ? report
        : { ...report, balances: undefined, balanceCount: ledger.balances.length };
      const lines = differenceLines(contributions);
      if (lines.length) process.stderr.write(lines.join('\n') + '\n');
      // main.ts exits once the action resolves: wait until a large report has left the pipe.
      await new Promise<void>((resolve) =>
        process.stdout.write(JSON.stringify(shown, null, options.pretty ? 2 : undefined) + '\n', () => resolve()),
      );
      if (!report.ok) process.exit(1);
    });
  coop
    .command('payouts')
    .description(
      "run the latest closed period's payout run (as the runPayouts mutation): revolve the capital vintages " +
        'due under the capital policy, then pay every member owed at least the minimum payout and every member ' +
        'who left; prints the run as JSON. Running it again for the same period posts nothing.',
    )
    .option('--pretty', 'indent the JSON by two spaces')
    .action(async (options: { pretty?: boolean }) => {
      const run = await withContext({ migrate: false }, (app) =>
        app
          .get(CapitalService)
          .runPayouts()
          .catch((error: unknown) => {
            // Nothing closed yet: the operator's mistake, not a crash.
            throw error instanceof CapitalException ? new UsageError(error.message) : error;
          }),
      );
      await new Promise<void>((resolve) =>
        process.stdout.write(JSON.stringify(run, null, options.pretty ? 2 : undefined) + '\n', () => resolve()),
      );
    });
}

/** One readable line per contribution difference (undetermined ones too, marked as such). */
function differenceLines(report: ReconciliationReport): string[] {
  const line = (label: string) => (item: ReconciliationReport['missing'][number]) =>
    `${label} ${[item.type, item.id, item.member && `(${item.member})`].filter(Boolean).join(' ')}: ${item.cause}` +
    (item.reason ? ` — ${item.reason}` : '');
  return [
    ...report.missing.map(line('missing')),
    ...report.unexpected.map(line('unexpected')),
    ...report.mismatched.map(line('mismatched')),
    ...report.reversalsMissing.map(line('reversal missing')),
    ...report.undetermined.map(line('cannot tell')),
  ];
}

function replayFile(file: string): ReturnType<typeof replay> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalid(file, [{ path: '$', message: `cannot read the file: ${reason}` }]);
  }
  try {
    return replay(text);
  } catch (error) {
    if (error instanceof InvalidSnapshotError) throw invalid(file, error.problems);
    throw error;
  }
}

function invalid(file: string, problems: readonly SnapshotProblem[]): UsageError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new UsageError(`invalid snapshot ${file} (${count}):\n${problems.map(formatProblem).join('\n')}`);
}
