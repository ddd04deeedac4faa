// BEGIN … COMMIT around a function, ROLLBACK when it throws: the one transaction pattern every
// engine with SQL transactions shares.
export async function inTransaction<T>(
  execute: (sql: string) => Promise<unknown>,
  fn: () => Promise<T>,
): Promise<T> {
  await execute('BEGIN');
  try {
    const result = await fn();
    await execute('COMMIT');
    return result;
  } catch (e) {
    await execute('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
