// Reads CPU time and memory of running processes from Linux's /proc.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second, the unit of utime and stime in /proc/<pid>/stat. */
export const clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Fields of /proc/<pid>/stat after the command name, which may itself hold spaces. */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Pids of the live processes whose process group is one of `groups`. */
export function processesOfGroups(groups: number[]): number[] {
  const wanted = new Set(groups);
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    // After the name: state, ppid, pgrp, ...
    if (fields && wanted.has(Number(fields[2]))) pids.push(Number(entry));
  }
  return pids;
}

/** User plus system CPU time of the processes, in milliseconds. */
export function cpuMilliseconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const fields = statFields(pid);
    // utime and stime are fields 14 and 15 of the whole line, so 12 and 13 after the name.
    if (fields) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / clockTicksPerSecond;
}

/** Sum of one memory field of /proc/<pid>/status (VmRSS, VmHWM) over the processes, in kB. */
export function memoryKilobytes(pids: number[], field: 'VmRSS' | 'VmHWM'): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) total += Number(match[1]);
    } catch {
      // The process has ended; it holds no memory any more.
    }
  }
  return total;
}

/** Samples the summed VmRSS of the processes until stopped; `stop` returns the highest sum in kB. */
export function sampleResidentMemory(pids: number[], intervalMs = 100): { stop(): number } {
  let peak = memoryKilobytes(pids, 'VmRSS');
  const timer = setInterval(() => {
    peak = Math.max(peak, memoryKilobytes(pids, 'VmRSS'));
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, memoryKilobytes(pids, 'VmRSS'));
    },
  };
}
