// Prints the measurements as tables and builds the JSON written to results/latest.json.
import type { Measurement } from './load.js';

export interface Row extends Measurement {
  round: number;
  target: string;
  operation: string;
  /** SQL statements per request from the separate counting pass; null when not measured. */
  sqlPerRequest: number | null;
}

export interface Ratio {
  operation: string;
  round: number | 'mean';
  /** compared ÷ baseline requests per second at the highest connection count. */
  throughputRatio: number;
  throughputConnections: number;
  /** compared ÷ baseline p50 latency at the lowest connection count. */
  p50Ratio: number;
  p50Connections: number;
}

function format(value: number | null, digits: number): string {
  return value === null || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

export function roundTable(rows: Row[]): string {
  return table(
    ['target', 'operation', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'CPU ms/req', 'CPU cores', 'peak RSS MiB', 'SQL/req', 'failed'],
    rows.map((row) => [
      row.target,
      row.operation,
      String(row.connections),
      format(row.requestsPerSecond, 0),
      format(row.p50Ms, 2),
      format(row.p99Ms, 2),
      format(row.cpuMsPerRequest, 2),
      format(row.cpuCores, 2),
      format(row.peakRssMiB, 0),
      format(row.sqlPerRequest, 1),
      String(row.errors + row.timeouts + row.non2xx + row.mismatches),
    ]),
  );
}

/** Ratios of `compared` to `baseline` per operation and round, and their mean over the rounds. */
export function ratios(rows: Row[], compared: string, baseline: string): Ratio[] {
  const connections = [...new Set(rows.map((row) => row.connections))];
  const high = Math.max(...connections);
  const low = Math.min(...connections);
  const find = (target: string, operation: string, round: number, conns: number) =>
    rows.find((row) => row.target === target && row.operation === operation && row.round === round && row.connections === conns);
  const result: Ratio[] = [];
  for (const operation of [...new Set(rows.map((row) => row.operation))]) {
    const perRound: Ratio[] = [];
    for (const round of [...new Set(rows.map((row) => row.round))]) {
      const [a, b, c, d] = [find(compared, operation, round, high), find(baseline, operation, round, high), find(compared, operation, round, low), find(baseline, operation, round, low)];
      if (!a || !b || !c || !d) continue;
      perRound.push({ operation, round, throughputRatio: a.requestsPerSecond / b.requestsPerSecond, throughputConnections: high, p50Ratio: c.p50Ms / d.p50Ms, p50Connections: low });
    }
    result.push(...perRound);
    if (perRound.length > 1) {
      const mean = (pick: (ratio: Ratio) => number) => perRound.reduce((sum, ratio) => sum + pick(ratio), 0) / perRound.length;
      result.push({ operation, round: 'mean', throughputRatio: mean((ratio) => ratio.throughputRatio), throughputConnections: high, p50Ratio: mean((ratio) => ratio.p50Ratio), p50Connections: low });
    }
  }
  return result;
}

export function ratioTable(list: Ratio[], compared: string, baseline: string): string {
  if (list.length === 0) return `(no ratio: both ${compared} and ${baseline} must be measured)`;
  const first = list[0]!;
  return table(
    ['operation', 'round', `req/s ${compared}÷${baseline} @${first.throughputConnections}`, `p50 ${compared}÷${baseline} @${first.p50Connections}`],
    list.map((ratio) => [ratio.operation, String(ratio.round), format(ratio.throughputRatio, 2), format(ratio.p50Ratio, 2)]),
  );
}
