// `generate <VerbNoun>`: diff the entities against the migrations and write migrations/<epoch>-<VerbNoun>.ts.
// `check`: fail when the entities and migrations differ (CI).
// Both work on a scratch database created beside DATABASE_URL (default postgres://postgres@localhost:5432/postgres).
import { readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withScratchDatabase } from './lib/scratch-db.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const [command, name] = process.argv.slice(2);
if (!['generate', 'check'].includes(command) || (command === 'generate' && !/^[A-Z][A-Za-z0-9]+$/.test(name ?? ''))) {
  process.stderr.write('usage: migration.mjs generate <VerbNoun> | check\n');
  process.exit(2);
}

let exitCode = 0;
await withScratchDatabase('guildhall_migration', async (url) => {
  const { startRuntime } = require(join(root, 'dist/libs/core/src/index.js'));
  const { CliModule } = require(join(root, 'dist/apps/cli/src/cli.module.js'));
  const { NestFactory } = require('@nestjs/core');
  const { DataSource } = require('typeorm');
  const runtime = await startRuntime({ ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' }, { logToStderr: true });
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(runtime, { migrate: true }), {
    logger: false,
  });
  await app.init();
  const sql = await app.get(DataSource).driver.createSchemaBuilder().log();
  await app.close();

  if (command === 'check') {
    if (sql.upQueries.length) {
      process.stderr.write('Entities and migrations differ; run `npm run migration:generate -- <VerbNoun>`:\n');
      for (const q of sql.upQueries) process.stderr.write(`  ${q.query}\n`);
      exitCode = 1;
    } else {
      process.stderr.write('migrations: entities and migrations agree\n');
    }
  } else if (!sql.upQueries.length) {
    process.stderr.write('No changes in the entities: nothing to generate\n');
  } else {
    const epoch = Date.now();
    const className = `${name}${epoch}`;
    const line = (q) =>
      `    await queryRunner.query(\`${q.query.replace(/`/g, '\\`')}\`${q.parameters?.length ? `, ${JSON.stringify(q.parameters)}` : ''});`;
    const file = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  public async up(queryRunner: QueryRunner): Promise<void> {
${sql.upQueries.map(line).join('\n')}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${sql.downQueries.reverse().map(line).join('\n')}
  }
}
`;
    writeFileSync(join(root, 'migrations', `${epoch}-${name}.ts`), file);
    writeIndex();
    process.stderr.write(`wrote migrations/${epoch}-${name}.ts\n`);
  }
});
process.exit(exitCode);

function writeIndex() {
  const files = readdirSync(join(root, 'migrations'))
    .filter((f) => /^\d+-[A-Za-z0-9]+\.ts$/.test(f))
    .sort((a, b) => Number(a.split('-')[0]) - Number(b.split('-')[0]));
  const entries = files.map((f) => {
    const [epoch, rest] = f.replace(/\.ts$/, '').split('-');
    return { file: f.replace(/\.ts$/, ''), className: `${rest}${epoch}` };
  });
  writeFileSync(
    join(root, 'migrations', 'index.ts'),
    `// Every migration, in order. Written by \`npm run migration:generate\`; do not edit by hand.\n` +
      entries.map((e) => `import { ${e.className} } from './${e.file}';`).join('\n') +
      `\n\nexport const MIGRATIONS = [${entries.map((e) => e.className).join(', ')}];\n`,
  );
}
