import { spawn, type ChildProcess } from 'node:child_process'

/** A child to kill with this process: its pid, or its whole process group. */
interface Reaped {
  child: ChildProcess
  group: boolean
}

const children = new Set<Reaped>()
let installed = false

/** SIGKILLs a child, or every process of its group (`group`: it was spawned `detached`, leading its own). */
export function killReaped(child: ChildProcess, group: boolean): void {
  if (child.pid === undefined) return
  try {
    if (group) process.kill(-child.pid, 'SIGKILL')
    else child.kill('SIGKILL') // test brokers keep nothing worth a graceful shutdown
  } catch {
    // already gone
  }
}

function killAll(): void {
  for (const { child, group } of children) killReaped(child, group)
  children.clear()
}

function onSignal(signal: NodeJS.Signals): void {
  killAll()
  // Keep the default behaviour (exit) unless someone else handles the signal.
  if (process.listenerCount(signal) === 1) {
    process.removeListener(signal, onSignal)
    process.kill(process.pid, signal)
  }
}

function install(): void {
  if (installed) return
  installed = true
  process.on('exit', killAll)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal)
}

/**
 * A detached shell that kills `child` (and removes `dir`, its temporary
 * files) if this process disappears without cleaning up (SIGKILL, crash).
 * It polls once a second and exits with the child. With `group`, it watches
 * and kills the child's whole process group (a broker that runs helpers,
 * such as RabbitMQ's epmd and Erlang VM, lives on in them).
 */
function watchdog(child: ChildProcess, dir: string, group: boolean): void {
  // dash's kill takes a negative pid (a process group) but no `--`.
  const target = group ? `-${child.pid}` : String(child.pid)
  const script = [
    'while kill -0 "$2" 2>/dev/null; do',
    '  if ! kill -0 "$1" 2>/dev/null; then',
    '    kill -KILL "$2" 2>/dev/null; sleep 1; [ -n "$3" ] && rm -rf "$3"; exit 0',
    '  fi',
    '  sleep 1',
    'done',
  ].join('\n')
  const dog = spawn('/bin/sh', ['-c', script, 'tabmq-watchdog', String(process.pid), target, dir], {
    detached: true,
    stdio: 'ignore',
  })
  dog.on('error', () => {})
  dog.unref()
}

/**
 * Makes `child` die with this process: on normal exit, on SIGINT/SIGTERM/SIGHUP
 * and, through a watchdog, even when this process is SIGKILLed (then the
 * watchdog also removes `dir`). With `group: true` (a child spawned with
 * `detached: true`), its whole process group goes, helpers included.
 */
export function reapWithProcess(child: ChildProcess, dir = '', { group = false }: { group?: boolean } = {}): void {
  if (child.pid === undefined) return
  install()
  const reaped = { child, group }
  children.add(reaped)
  // A group outlives its leader (helpers it started): it is killed by its owner's close(), or at exit.
  if (!group) child.once('exit', () => children.delete(reaped))
  watchdog(child, dir, group)
}

/** Forgets a group killed and reaped by its owner, so exit does not signal a reused process group id. */
export function forgetReaped(child: ChildProcess): void {
  for (const reaped of children) if (reaped.child === child) children.delete(reaped)
}
