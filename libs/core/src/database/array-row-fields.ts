import { createRequire } from 'node:module';
import { types } from 'pg';

const PATCHED = Symbol.for('guildhall.arrayRowFields');

/** The part of node-postgres's `Result` (pg/lib/result.js, pg 8.23.1, pinned) this module touches. */
interface FieldDescription {
  dataTypeID: number;
  format?: 'text' | 'binary';
}
type Parser = (text: string) => unknown;
interface TypeSource {
  getTypeParser: (oid: number, format: 'text' | 'binary') => Parser;
}
type AddFields = ((this: PgResult, fields: FieldDescription[]) => void) & { [PATCHED]?: true };
interface PgResult {
  rowAsArray: boolean;
  fields: FieldDescription[];
  _parsers: Parser[] | undefined;
  _types: TypeSource | undefined;
  addFields: AddFields;
}

/**
 * node-postgres's `Result.addFields` runs once per statement execution, when the row description
 * arrives. Beside each column's parser it builds a template row for object rows: an object keyed by
 * every column name, made from `Object.create(null)` (a dictionary) and then copied. A timeline's
 * array-row read (ADR 0068, `withArrayRows`) never uses that template, and at 115 columns building
 * it was 6% of a REST home page's CPU (ADR 0068, addendum). For array rows only, this sets the
 * fields and parsers exactly as `addFields` does and skips the template; object rows keep
 * node-postgres's own `addFields`. Installed once per process, like the `timestamptz` parser.
 */
export function installArrayRowFields(): void {
  const { prototype } = createRequire(require.resolve('pg'))('./result') as { prototype: PgResult };
  const original = prototype.addFields;
  if (original[PATCHED]) return;
  const addFields: AddFields = function (this: PgResult, fields: FieldDescription[]): void {
    if (!this.rowAsArray) return original.call(this, fields);
    this.fields = fields;
    const parsers = new Array<Parser>(fields.length);
    const source: TypeSource = this._types ?? types;
    for (let i = 0; i < fields.length; i++) {
      parsers[i] = source.getTypeParser(fields[i].dataTypeID, fields[i].format || 'text');
    }
    if (fields.length) this._parsers = parsers;
  };
  addFields[PATCHED] = true;
  prototype.addFields = addFields;
}
