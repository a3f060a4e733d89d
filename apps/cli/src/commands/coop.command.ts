import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatProblem, InvalidSnapshotError, replay, type SnapshotProblem } from '@guildhall/coop';
import { UsageError } from '../cli-context';

/**
 * `guildhall coop replay <snapshot.json>`: re-runs a period close from its published snapshot
 * with the pure engine — no database, no Nest context — so any member can check a close.
 */
export function registerCoopCommands(program: Command): void {
  const coop = program.command('coop').description('the cooperative: period closes');
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
