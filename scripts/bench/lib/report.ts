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
  /** compared ÷ baseline CPU time per request at the highest connection count. */
  cpuRatio: number;
  /** compared ÷ baseline peak RSS of the gateway process (the only process of a one-process target) over the round's loads of the operation. */
  gatewayRssRatio: number;
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
    ['target', 'operation', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'CPU ms/req', 'CPU cores', 'peak RSS MiB', 'gateway RSS MiB', 'SQL/req', 'failed'],
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
      format(row.gatewayPeakRssMiB, 0),
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
  const gatewayRss = (target: string, operation: string, round: number) =>
    Math.max(...rows.filter((row) => row.target === target && row.operation === operation && row.round === round).map((row) => row.gatewayPeakRssMiB));
  const result: Ratio[] = [];
  for (const operation of [...new Set(rows.map((row) => row.operation))]) {
    const perRound: Ratio[] = [];
    for (const round of [...new Set(rows.map((row) => row.round))]) {
      const [a, b, c, d] = [find(compared, operation, round, high), find(baseline, operation, round, high), find(compared, operation, round, low), find(baseline, operation, round, low)];
      if (!a || !b || !c || !d) continue;
      perRound.push({
        operation,
        round,
        throughputRatio: a.requestsPerSecond / b.requestsPerSecond,
        throughputConnections: high,
        p50Ratio: c.p50Ms / d.p50Ms,
        p50Connections: low,
        cpuRatio: a.cpuMsPerRequest / b.cpuMsPerRequest,
        gatewayRssRatio: gatewayRss(compared, operation, round) / gatewayRss(baseline, operation, round),
      });
    }
    result.push(...perRound);
    if (perRound.length > 1) {
      const mean = (pick: (ratio: Ratio) => number) => perRound.reduce((sum, ratio) => sum + pick(ratio), 0) / perRound.length;
      result.push({
        operation,
        round: 'mean',
        throughputRatio: mean((ratio) => ratio.throughputRatio),
        throughputConnections: high,
        p50Ratio: mean((ratio) => ratio.p50Ratio),
        p50Connections: low,
        cpuRatio: mean((ratio) => ratio.cpuRatio),
        gatewayRssRatio: mean((ratio) => ratio.gatewayRssRatio),
      });
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

/** A ratio of two targets that the summary reports, against a goal when it has one. */
export interface GoalFigure {
  compared: string;
  baseline: string;
  measure: 'throughput' | 'p50' | 'cpu' | 'gatewayRss';
  /** The ratio should be at least (`min`) or at most (`max`) `value`. */
  goal?: { bound: 'min' | 'max'; value: number };
}

/** The figures of the summary: Tandem against the monolith baseline and against Hive Gateway. */
export const goalFigures: GoalFigure[] = [
  { compared: 'deployed', baseline: 'monolith', measure: 'throughput', goal: { bound: 'min', value: 0.8 } },
  { compared: 'embedded', baseline: 'monolith', measure: 'throughput' },
  { compared: 'deployed', baseline: 'monolith', measure: 'p50', goal: { bound: 'max', value: 2 } },
  { compared: 'deployed', baseline: 'hive-gateway', measure: 'throughput', goal: { bound: 'min', value: 1.2 } },
  { compared: 'deployed', baseline: 'monolith', measure: 'gatewayRss', goal: { bound: 'max', value: 1.5 } },
  // CPU time per request depends less than throughput on what else the machine runs.
  { compared: 'deployed', baseline: 'monolith', measure: 'cpu' },
  { compared: 'deployed', baseline: 'hive-gateway', measure: 'cpu' },
];

export interface GoalResult extends GoalFigure {
  label: string;
  /** Per operation: the mean over the rounds, each round's ratio, and whether the mean meets the goal (null without a goal). */
  operations: { operation: string; mean: number; rounds: number[]; met: boolean | null }[];
}

function ratioOf(ratio: Ratio, measure: GoalFigure['measure']): number {
  if (measure === 'throughput') return ratio.throughputRatio;
  if (measure === 'p50') return ratio.p50Ratio;
  if (measure === 'cpu') return ratio.cpuRatio;
  return ratio.gatewayRssRatio;
}

export function meetsGoal(value: number, goal: GoalFigure['goal']): boolean | null {
  if (!goal) return null;
  return goal.bound === 'min' ? value >= goal.value : value <= goal.value;
}

/** Computes each figure whose two targets were both measured. */
export function goalResults(rows: Row[], figures: GoalFigure[] = goalFigures): GoalResult[] {
  const results: GoalResult[] = [];
  for (const figure of figures) {
    const list = ratios(rows, figure.compared, figure.baseline);
    if (list.length === 0) continue;
    const first = list[0]!;
    const measureLabel = {
      throughput: `req/s @${first.throughputConnections}`,
      p50: `p50 @${first.p50Connections}`,
      cpu: `CPU ms/req @${first.throughputConnections}`,
      gatewayRss: 'gateway peak RSS',
    }[figure.measure];
    const operations = [...new Set(list.map((ratio) => ratio.operation))].map((operation) => {
      const rounds = list.filter((ratio) => ratio.operation === operation && ratio.round !== 'mean').map((ratio) => ratioOf(ratio, figure.measure));
      const mean = rounds.reduce((sum, value) => sum + value, 0) / rounds.length;
      return { operation, mean, rounds, met: meetsGoal(mean, figure.goal) };
    });
    results.push({ ...figure, label: `${measureLabel} ${figure.compared}÷${figure.baseline}`, operations });
  }
  return results;
}

/** Formats one line per figure and one column per operation: the mean over the rounds, each round in brackets, and whether the mean meets the goal. */
export function goalTable(results: GoalResult[]): string {
  if (results.length === 0) return '(no figure: measure deployed, embedded, monolith and hive-gateway)';
  const operations = [...new Set(results.flatMap((result) => result.operations.map((entry) => entry.operation)))];
  return table(
    ['figure', 'goal', ...operations],
    results.map((result) => [
      result.label,
      result.goal ? `${result.goal.bound === 'min' ? '>=' : '<='} ${result.goal.value.toFixed(2)}` : '-',
      ...operations.map((operation) => {
        const entry = result.operations.find((candidate) => candidate.operation === operation);
        if (!entry) return 'n/a';
        let verdict = '';
        if (entry.met === true) verdict = ' met';
        if (entry.met === false) verdict = ' missed';
        return `${format(entry.mean, 2)} (${entry.rounds.map((value) => format(value, 2)).join(', ')})${verdict}`;
      }),
    ]),
  );
}
