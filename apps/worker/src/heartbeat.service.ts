import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';

/** One file per worker host, so N workers sharing DATA_DIR each prove their own liveness. */
export const heartbeatFile = () => `worker-${hostname()}.heartbeat`;
export const HEARTBEAT_INTERVAL_MS = 10_000;

/**
 * Touches DATA_DIR/worker-<hostname>.heartbeat every 10 s: the worker serves no HTTP, so container health
 * checks read the file's age instead (see docker/compose.yml).
 */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly config: ConfigService) {}

  onApplicationBootstrap(): void {
    const file = join(this.config.values.dataDir, heartbeatFile());
    const beat = () => writeFileSync(file, new Date().toISOString());
    beat();
    this.timer = setInterval(beat, HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
