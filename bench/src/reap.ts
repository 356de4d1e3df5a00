import { spawn, type ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'

const owned = new Map<ChildProcess, { group: boolean; dir: string }>()
let installed = false

function kill(child: ChildProcess, group: boolean): void {
  try {
    if (group && child.pid) process.kill(-child.pid, 'SIGKILL')
    else child.kill('SIGKILL')
  } catch {
    // already gone
  }
}

function killAll(): void {
  for (const [child, { group, dir }] of owned) {
    kill(child, group)
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
  owned.clear()
}

function install(): void {
  if (installed) return
  installed = true
  process.on('exit', killAll)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAll()
      process.exit(130)
    })
  }
}

/**
 * Makes a child (a broker, a browser) die with this process: on exit, on SIGINT/SIGTERM/SIGHUP and,
 * through a detached watchdog shell, when this process is killed outright. `group` kills the
 * child's whole process group (a browser's renderers); `dir` is its temporary folder.
 */
export function reap(child: ChildProcess, { group = false, dir = '' } = {}): void {
  if (child.pid === undefined) return
  install()
  owned.set(child, { group, dir })
  child.once('exit', () => owned.delete(child))
  const target = group ? `-${child.pid}` : String(child.pid)
  const script = [
    'while kill -0 "$2" 2>/dev/null; do',
    '  if ! kill -0 "$1" 2>/dev/null; then kill -KILL -- "$3" 2>/dev/null; sleep 1; [ -n "$4" ] && rm -rf "$4"; exit 0; fi',
    '  sleep 1',
    'done',
  ].join('\n')
  const dog = spawn('/bin/sh', ['-c', script, 'tabmq-bench-watchdog', String(process.pid), String(child.pid), target, dir], { detached: true, stdio: 'ignore' })
  dog.on('error', () => {})
  dog.unref()
}

/** Stops a reaped child now (SIGTERM, SIGKILL after `graceMs`) and removes its folder. */
export async function stop(child: ChildProcess, graceMs = 1000): Promise<void> {
  const entry = owned.get(child)
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise(r => child.once('exit', r))
    try {
      if (entry?.group && child.pid) process.kill(-child.pid, 'SIGTERM')
      else child.kill('SIGTERM')
    } catch {
      // gone meanwhile
    }
    const timer = setTimeout(() => kill(child, entry?.group ?? false), graceMs)
    await exited
    clearTimeout(timer)
  }
  if (entry?.group && child.pid) kill(child, true) // stray renderers of the group
  if (entry?.dir) rmSync(entry.dir, { recursive: true, force: true })
  owned.delete(child)
}
