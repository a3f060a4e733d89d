import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { PinoNestLogger, runProcess } from '@guildhall/core';
import { WorkerModule } from './src/worker.module';

runProcess('worker', async (runtime) => {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(runtime), {
    logger: new PinoNestLogger(runtime.logger),
    abortOnError: false,
  });
  await app.init();
  return app;
});
