import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Maps raw rows to entity-shaped objects for hot read paths that run hand-written SQL: TypeORM's
 * query building and entity hydration cost a third of a timeline request's CPU. Columns are
 * selected as `<alias>.<column> AS "<prefix><column>"`, then read back by the entity's metadata.
 */
export class RowMapper<T extends ObjectLiteral> {
  private readonly columns: { property: string; column: string }[];
  private readonly mappers = new Map<string, (row: Record<string, unknown>) => T>();
  private readonly arrayMappers = new Map<number, (row: readonly unknown[]) => T>();

  constructor(dataSource: DataSource, entity: EntityTarget<T>) {
    this.columns = dataSource
      .getMetadata(entity)
      .columns.filter((column) => !column.relationMetadata || column.isPrimary || column.referencedColumn)
      .map((column) => ({ property: column.propertyName, column: column.databaseName }));
  }

  /** `p.id AS "p_id", p.title AS "p_title", …` */
  select(alias: string, prefix: string): string {
    return this.columns.map(({ column }) => `${alias}.${column} AS "${prefix}${column}"`).join(', ');
  }

  /** How many columns `select` lists. */
  get width(): number {
    return this.columns.length;
  }

  /** Where the column of `property` sits within `select`'s list. */
  indexOf(property: keyof T & string): number {
    const index = this.columns.findIndex((column) => column.property === property);
    if (index < 0) throw new Error(`no column for ${property}`);
    return index;
  }

  /**
   * Maps an array row (node-postgres's `rowMode: 'array'`, see `withArrayRows`) whose columns
   * from `offset` on are this mapper's `select`, in its order. Objects with a hundred keys cost
   * node-postgres more to build than the statement costs to run (ADR 0068); arrays do not.
   */
  mapAt(row: readonly unknown[], offset: number): T {
    let mapper = this.arrayMappers.get(offset);
    if (!mapper) this.arrayMappers.set(offset, (mapper = this.compile((_, index) => String(offset + index))));
    return mapper(row);
  }

  map(row: Record<string, unknown>, prefix: string): T {
    let mapper = this.mappers.get(prefix);
    if (!mapper) this.mappers.set(prefix, (mapper = this.compile((column) => JSON.stringify(prefix + column))));
    return mapper(row);
  }

  /**
   * One function per prefix (or offset) that builds the object as a literal: every entity of a
   * kind gets the same shape, and no key is concatenated per row (ADR 0053: this was a tenth of a
   * timeline request's CPU). Property names come from the entity's metadata, quoted as JSON;
   * `key` writes where each column is found in the row (a quoted name, or an index).
   */
  private compile<R>(key: (column: string, index: number) => string): (row: R) => T {
    const fields = this.columns.map(
      ({ property, column }, index) => `${JSON.stringify(property)}: row[${key(column, index)}]`,
    );
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from entity metadata only
    return new Function('row', `return { ${fields.join(', ')} };`) as (row: R) => T;
  }
}
