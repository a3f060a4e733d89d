import 'reflect-metadata';
import { runProcess } from '@guildhall/core';
import { createServer } from './src/http/create-server';

// `npm start` runs the job processors in this process too; Docker runs them in apps/worker.
const withWorker = process.argv.includes('--with-worker');

runProcess(withWorker ? 'server+worker' : 'server', async (runtime) => {
  const app = await createServer(runtime, { withWorker });
  await app.listen({ port: runtime.config.values.port, host: runtime.config.values.host });
  runtime.logger.info({ msg: 'listening', url: runtime.config.values.publicOrigin, port: runtime.config.values.port });
  return app;
});
