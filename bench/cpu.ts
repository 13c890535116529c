import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { round } from './stats.js';

/**
 * How busy the machine was with work other than the benchmark's while a phase ran: the CPU time of
 * the whole machine (/proc/stat) minus that of the benchmark's own processes (this one, the bots
 * under test, Redis). On a quiet machine it is close to 0; figures taken while it is high were
 * disturbed (other processes took cores from the bots). Linux only; elsewhere it is left out.
 */
const ours = new Set<number>([process.pid]);

/** Milliseconds per jiffy (the unit of /proc's CPU times): 10 where CLK_TCK is 100. */
const MS_PER_JIFFY = (() => {
  try {
    return 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  } catch {
    return 10;
  }
})();

export function countAsOurs(pid: number | undefined): void {
  if (pid) ours.add(pid);
}

export function forgetProcess(pid: number | undefined): void {
  if (pid && pid !== process.pid) ours.delete(pid);
}

interface Snapshot {
  /** Busy and total jiffies of the whole machine. */
  busy: number;
  total: number;
  /** Jiffies used by each of our processes. */
  perPid: Map<number, number>;
}

function machineJiffies(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

function processJiffies(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime, stime
  } catch {
    return undefined;
  }
}

export function snapshot(): Snapshot | undefined {
  try {
    const perPid = new Map<number, number>();
    for (const pid of ours) {
      const jiffies = processJiffies(pid);
      if (jiffies !== undefined) perPid.set(pid, jiffies);
    }
    return { ...machineJiffies(), perPid };
  } catch {
    return undefined;
  }
}

/** Cores used on average by other processes between two snapshots, and by the benchmark's own. */
export function otherLoad(before: Snapshot | undefined, after: Snapshot | undefined) {
  if (!before || !after || after.total <= before.total) return undefined;
  const cores = os.cpus().length;
  let oursDelta = 0;
  for (const [pid, end] of after.perPid) oursDelta += end - (before.perPid.get(pid) ?? end);
  const share = (jiffies: number) => round((jiffies / (after.total - before.total)) * cores, 2);
  return { otherProcessesCores: Math.max(0, share(after.busy - before.busy - oursDelta)), benchmarkCores: share(oursDelta) };
}

/** CPU milliseconds a process used between two snapshots. */
export function cpuMsOf(pid: number | undefined, before: Snapshot | undefined, after: Snapshot | undefined): number | undefined {
  if (!pid || !before || !after) return undefined;
  const start = before.perPid.get(pid);
  const end = after.perPid.get(pid);
  return start === undefined || end === undefined ? undefined : (end - start) * MS_PER_JIFFY;
}

/** The processes whose CPU time per turn is reported: the bot under test, Redis, this process. */
export interface Roles {
  bot?: number;
  redis?: number;
}

/**
 * Runs a phase and adds the load figures to its result, and the CPU time per turn of the bot
 * under test, of Redis and of the load generator (this process, with the Bot API double). CPU time
 * per turn hardly depends on what else runs on the machine, unlike turns per second.
 */
export async function withLoadFigures<T extends { turnsMeasured: number }>(phase: () => Promise<T>, roles: Roles = {}) {
  const before = snapshot();
  const result = await phase();
  const after = snapshot();
  const cpu = otherLoad(before, after);
  const perTurn = (pid: number | undefined) => {
    const ms = cpuMsOf(pid, before, after);
    return ms === undefined || result.turnsMeasured === 0 ? undefined : round(ms / result.turnsMeasured, 3);
  };
  const cpuMsPerTurn = { bot: perTurn(roles.bot), redis: perTurn(roles.redis), loadGenerator: perTurn(process.pid) };
  return { ...result, ...(cpu ? { cpu: { ...cpu, cpuMsPerTurn } } : {}) };
}

/**
 * Waits, at most `maxMs`, until processes outside the benchmark have used less than
 * `thresholdCores` over a 2-second window. Returns how long it waited and whether it got quiet.
 */
export async function waitForQuiet(maxMs: number, thresholdCores = 0.2): Promise<{ waitedSeconds: number; quiet: boolean }> {
  const started = Date.now();
  for (;;) {
    const before = snapshot();
    if (!before) return { waitedSeconds: 0, quiet: false };
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const load = otherLoad(before, snapshot());
    const waitedSeconds = round((Date.now() - started) / 1000, 1);
    if (load && load.otherProcessesCores < thresholdCores) return { waitedSeconds, quiet: true };
    if (Date.now() - started >= maxMs) return { waitedSeconds, quiet: false };
  }
}
