import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, LessThan, Repository } from 'typeorm';
import { uuidv7 } from '../ids/uuid-v7';
import { AuditEntryEntity } from './audit-entry.entity';

export interface AuditRecord {
  actorId: string | null;
  action: string;
  subject: string;
  details?: Record<string, unknown>;
}

export interface AuditPage {
  entries: AuditEntryEntity[];
  /** The cursor of the next (older) page, or null. */
  next: string | null;
}

/**
 * The stewards' audit log. Actions are recorded by the lib that performs them, with the
 * EntityManager of the action's own transaction, so an action and its entry commit together
 * or not at all (no action without an entry, no entry for an action that rolled back).
 */
@Injectable()
export class AuditLog {
  constructor(@InjectRepository(AuditEntryEntity) private readonly entries: Repository<AuditEntryEntity>) {}

  async record(manager: EntityManager | null, record: AuditRecord): Promise<void> {
    const repository = manager ? manager.getRepository(AuditEntryEntity) : this.entries;
    await repository.insert({
      id: uuidv7(),
      actorId: record.actorId,
      action: record.action,
      subject: record.subject,
      // TypeORM's deep-partial type cannot map an open jsonb record; the value is plain JSON.
      details: (record.details ?? {}) as object,
    });
  }

  /** Newest first; `before` is an entry id from a previous page's `next`. */
  async page(options: { before?: string | null; limit: number; action?: string | null }): Promise<AuditPage> {
    const limit = Math.min(Math.max(options.limit, 1), 200);
    const rows = await this.entries.find({
      where: {
        ...(options.before ? { id: LessThan(options.before) } : {}),
        ...(options.action ? { action: options.action } : {}),
      },
      order: { id: 'DESC' },
      take: limit + 1,
    });
    const entries = rows.slice(0, limit);
    return { entries, next: rows.length > limit ? entries[entries.length - 1].id : null };
  }
}
