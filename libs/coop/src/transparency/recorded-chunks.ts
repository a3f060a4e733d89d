import type { CanonicalArrayHash } from '../engine/canonical-json';
import { readRecordedEvents, RecordedEvents } from '../engine/recorded-event-text';
import type { SnapshotEvent } from '../engine/snapshot';
import type { SnapshotPublisher } from './published-snapshot';

/**
 * A close's recorded events, a chunk of text at a time (their JSON joined by commas, as
 * coop_events holds it), into the internal snapshot's hash and the publisher. The rows' JSON is
 * canonical as recorded (ADR 0071), so a chunk is read as columns, never an object per event, and
 * hashed as it came (ADR 0074). A chunk the reader does not take (a row written some other way)
 * is parsed, and hashed as it came only once that is checked (addParsed): either way the hash is
 * canonicalHash of the events and the publisher gets the same fields.
 */
export class RecordedChunks {
  private readonly columns = new RecordedEvents();

  constructor(
    private readonly internalHash: CanonicalArrayHash,
    private readonly publisher: SnapshotPublisher,
  ) {}

  /** The next chunk: `text` holding `count` events (as many as rows were joined). */
  add(text: string, count: number): void {
    if (readRecordedEvents(text, this.columns) && this.columns.count === count) {
      this.internalHash.addCanonicalText(count, text);
      this.publisher.addRecorded(this.columns);
      return;
    }
    const events = JSON.parse(`[${text}]`) as SnapshotEvent[];
    this.internalHash.addParsed(events, text);
    this.publisher.add(events);
  }
}
