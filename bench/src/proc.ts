import { readdirSync, readFileSync } from 'node:fs'

/**
 * CPU time per process and thread, read by the kernel (/proc), outside the browser: nothing in
 * Chromium is enabled or asked, so every contender is measured the same way. Clock ticks are
 * 10 ms (USER_HZ 100); a flood lasts seconds.
 */
const TICK_MS = 10

interface ThreadTicks {
  name: string
  ticks: number
}

interface ProcInfo {
  kind: ProcessKind
  ticks: number
  threads: Map<number, ThreadTicks>
}

export type ProcessKind = 'browser' | 'renderer' | 'network' | 'gpu' | 'other'

export interface ProcSample {
  procs: Map<number, ProcInfo>
}

/** CPU ms spent between two samples, by where it ran. */
export interface CpuBreakdown {
  /** Renderer main threads, summed (the tabs' main threads; idle pages add about nothing). */
  rendererMain: number
  /** Each renderer main thread that did at least one tick, largest first. */
  rendererMains: number[]
  /** Dedicated and shared worker threads (tabmq's hub, the worker contenders). */
  workers: number
  /** Renderer threads other than main and workers (IO thread, compositor, GC helpers). */
  rendererOther: number
  browser: number
  network: number
  gpu: number
  other: number
  total: number
}

function stat(path: string): { name: string; ppid: number; ticks: number } | undefined {
  let text: string
  try {
    text = readFileSync(path, 'latin1')
  } catch {
    return undefined // exited meanwhile
  }
  const open = text.indexOf('(')
  const close = text.lastIndexOf(')')
  const fields = text.slice(close + 2).split(' ')
  // After the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
  return { name: text.slice(open + 1, close), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) }
}

function kindOf(pid: number): ProcessKind {
  let cmdline = ''
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1')
  } catch {
    return 'other'
  }
  if (!cmdline.includes('--type=')) return 'browser'
  if (cmdline.includes('--type=renderer')) return 'renderer'
  if (cmdline.includes('NetworkService')) return 'network'
  if (cmdline.includes('--type=gpu-process')) return 'gpu'
  return 'other'
}

/** The process tree under `rootPid` (the browser), each process with its threads' CPU ticks. */
export function sample(rootPid: number): ProcSample {
  const parent = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const s = stat(`/proc/${entry}/stat`)
    if (s) parent.set(Number(entry), s.ppid)
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid, depth = 0; p && depth < 10; p = parent.get(p), depth++) if (p === rootPid) return true
    return false
  }
  const procs = new Map<number, ProcInfo>()
  for (const pid of parent.keys()) {
    if (!inTree(pid)) continue
    const threads = new Map<number, ThreadTicks>()
    let total = 0
    let tids: string[] = []
    try {
      tids = readdirSync(`/proc/${pid}/task`)
    } catch {
      continue
    }
    for (const tid of tids) {
      const t = stat(`/proc/${pid}/task/${tid}/stat`)
      if (!t) continue
      threads.set(Number(tid), { name: t.name, ticks: t.ticks })
      total += t.ticks
    }
    procs.set(pid, { kind: kindOf(pid), ticks: total, threads })
  }
  return { procs }
}

const isWorkerThread = (name: string) => /^(DedicatedWorker|SharedWorker|Worker)/i.test(name)

/** Where the CPU went between `a` and `b` (processes that started in between count from zero). */
export function cpuBetween(a: ProcSample, b: ProcSample): CpuBreakdown {
  const out: CpuBreakdown = { rendererMain: 0, rendererMains: [], workers: 0, rendererOther: 0, browser: 0, network: 0, gpu: 0, other: 0, total: 0 }
  for (const [pid, after] of b.procs) {
    const before = a.procs.get(pid)
    const delta = (after.ticks - (before?.ticks ?? 0)) * TICK_MS
    out.total += delta
    if (after.kind !== 'renderer') {
      out[after.kind] += delta
      continue
    }
    for (const [tid, t] of after.threads) {
      const d = (t.ticks - (before?.threads.get(tid)?.ticks ?? 0)) * TICK_MS
      if (tid === pid) {
        out.rendererMain += d
        if (d > 0) out.rendererMains.push(d)
      } else if (isWorkerThread(t.name)) out.workers += d
      else out.rendererOther += d
    }
  }
  out.rendererMains.sort((x, y) => y - x)
  return out
}

/** CPU ms of one process (a broker) so far. */
export function processCpuMs(pid: number): number {
  return (stat(`/proc/${pid}/stat`)?.ticks ?? 0) * TICK_MS
}

/** Thread names of a process, for checking how Chromium names its worker threads. */
export function threadNames(pid: number): string[] {
  return readdirSync(`/proc/${pid}/task`).map(tid => stat(`/proc/${pid}/task/${tid}/stat`)?.name ?? '?')
}
