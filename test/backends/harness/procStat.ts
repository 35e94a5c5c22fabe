// Another process's figures from Linux's /proc: its parent and name (to find a server under its
// watchdog), CPU time and resident set (the receiver benchmark's comparison). Undefined once it is gone.
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: 100 on Linux for every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcStat {
  comm: string;
  ppid: number;
  /** User + system CPU time so far. */
  cpuSeconds: number;
}

export function procStat(pid: number): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // pid (comm) state ppid …: comm may hold spaces and parentheses, so split after its last ')'.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  // After the comm: state, ppid, …; utime and stime (fields 14 and 15 of stat) are 12th and 13th, in clock ticks.
  return { comm: stat.slice(stat.indexOf('(') + 1, close), ppid: Number(fields[1]), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND };
}

/** Resident set size in bytes. */
export function residentBytes(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The first child of `parent` whose name is not `except`. */
export function childProcessOf(parent: number, except: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat && stat.ppid === parent && stat.comm !== except) return Number(entry);
  }
  return undefined;
}
