import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { uuidv7 } from '@guildhall/core';
import { DataSource, LessThan } from 'typeorm';
import { type WebhookDeliveryStatus, WebhookDeliveryEntity } from './webhook-delivery.entity';

/** How many deliveries the webhook log keeps (the newest). */
export const WEBHOOK_LOG_KEEP = 1000;

export interface NewWebhookDelivery {
  source: string;
  status: WebhookDeliveryStatus;
  httpStatus: number;
  reason: string | null;
  paymentId: string | null;
}

@Injectable()
export class WebhookDeliveryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores a delivery and drops those older than the newest WEBHOOK_LOG_KEEP. */
  async record(delivery: NewWebhookDelivery): Promise<WebhookDeliveryEntity> {
    const repository = this.dataSource.getRepository(WebhookDeliveryEntity);
    const id = uuidv7();
    await repository.insert({ id, ...delivery });
    await this.dataSource.query(
      `DELETE FROM coop_webhook_deliveries
        WHERE id < (SELECT id FROM coop_webhook_deliveries ORDER BY id DESC OFFSET $1 LIMIT 1)`,
      [WEBHOOK_LOG_KEEP - 1],
    );
    return repository.findOneByOrFail({ id });
  }

  /** Newest first, `limit` after (older than) the delivery `beforeId`. */
  page(beforeId: string | null, limit: number): Promise<WebhookDeliveryEntity[]> {
    return this.dataSource.getRepository(WebhookDeliveryEntity).find({
      where: beforeId ? { id: LessThan(beforeId) } : {},
      order: { id: 'DESC' },
      take: limit,
    });
  }
}
