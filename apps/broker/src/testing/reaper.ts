import { spawn, type ChildProcess } from 'node:child_process'

const children = new Set<ChildProcess>()
let installed = false

function killAll(): void {
  for (const child of children) {
    try {
      child.kill('SIGKILL') // test brokers keep nothing worth a graceful shutdown
    } catch {
      // already gone
    }
  }
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
 * It polls once a second and exits with the child.
 */
function watchdog(child: ChildProcess, dir: string): void {
  const script = [
    'while kill -0 "$2" 2>/dev/null; do',
    '  if ! kill -0 "$1" 2>/dev/null; then',
    '    kill -KILL "$2" 2>/dev/null; sleep 1; [ -n "$3" ] && rm -rf "$3"; exit 0',
    '  fi',
    '  sleep 1',
    'done',
  ].join('\n')
  const dog = spawn('/bin/sh', ['-c', script, 'tabmq-watchdog', String(process.pid), String(child.pid), dir], {
    detached: true,
    stdio: 'ignore',
  })
  dog.on('error', () => {})
  dog.unref()
}

/**
 * Makes `child` die with this process: on normal exit, on SIGINT/SIGTERM/SIGHUP
 * and, through a watchdog, even when this process is SIGKILLed (then the
 * watchdog also removes `dir`).
 */
export function reapWithProcess(child: ChildProcess, dir = ''): void {
  if (child.pid === undefined) return
  install()
  children.add(child)
  child.once('exit', () => children.delete(child))
  watchdog(child, dir)
}
