/** What runs SQL text: a pg Client or a TypeORM DataSource. */
interface Queryable {
  query(sql: string): Promise<unknown>;
}

export interface WriteFault {
  /** Drops the trigger, its function and its counter. */
  remove(): Promise<void>;
}

/**
 * Makes writes to `table` fail, as a transient database error would: a BEFORE `on` trigger
 * raises `message` for the first `failures` rows it sees where `when` (SQL over NEW and OLD)
 * holds. A sequence counts them: nextval is not rolled back with the failing transaction, so the
 * count survives the raise. A fault of the same `name` left behind is replaced.
 */
export async function failWrites(
  db: Queryable,
  fault: { name: string; table: string; on: 'INSERT' | 'UPDATE'; message: string; failures?: number; when?: string },
): Promise<WriteFault> {
  const { name, table, on, message, failures = 1, when = 'true' } = fault;
  const remove = async () => {
    await db.query(`DROP TRIGGER IF EXISTS ${name} ON ${table}`);
    await db.query(`DROP FUNCTION IF EXISTS ${name}()`);
    await db.query(`DROP SEQUENCE IF EXISTS ${name}_fired`);
  };
  await remove();
  await db.query(`CREATE SEQUENCE ${name}_fired`);
  await db.query(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF ${when} THEN
        IF nextval('${name}_fired') <= ${failures} THEN
          RAISE EXCEPTION '${message.replace(/'/g, "''")}';
        END IF;
      END IF;
      RETURN NEW;
    END $$`);
  await db.query(`CREATE TRIGGER ${name} BEFORE ${on} ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}()`);
  return { remove };
}
