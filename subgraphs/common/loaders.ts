import DataLoader from 'dataloader';
import { isUuid } from './ids.js';

/**
 * Creates a per-request loader whose batch function runs one statement for all keys. Keys
 * that are not UUIDs resolve to the empty value without reaching the database, since no
 * row can have them.
 */
export function createLoader<TValue>(
  load: (keys: string[]) => Promise<Map<string, TValue>>,
  empty: TValue,
): DataLoader<string, TValue> {
  return new DataLoader<string, TValue>(async (keys) => {
    const valid = [...new Set(keys.filter(isUuid).map((key) => key.toLowerCase()))];
    const found = valid.length > 0 ? await load(valid) : new Map<string, TValue>();
    return keys.map((key) => found.get(key.toLowerCase()) ?? empty);
  });
}

/** Indexes rows by a key, the last row winning. */
export function indexBy<TRow>(rows: TRow[], key: (row: TRow) => string): Map<string, TRow> {
  return new Map(rows.map((row) => [key(row), row]));
}

/** Groups rows by a key, keeping their order. */
export function groupBy<TRow>(rows: TRow[], key: (row: TRow) => string): Map<string, TRow[]> {
  const groups = new Map<string, TRow[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}
