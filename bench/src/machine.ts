import { execSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { coreDir } from './site.js'

/** Busy CPU ms of the whole machine so far (all cores; /proc/stat minus idle and iowait). */
export function machineBusyMs(): number {
  const line = readFileSync('/proc/stat', 'latin1').split('\n')[0]!.split(/\s+/).slice(1).map(Number)
  const total = line.reduce((s, x) => s + x, 0)
  return (total - line[3]! - line[4]!) * 10
}

export function uptime(): string {
  try {
    return execSync('uptime', { encoding: 'utf8' }).trim()
  } catch {
    return `load average ${os.loadavg().map(x => x.toFixed(2)).join(', ')}`
  }
}

function version(pkgDir: string): string {
  try {
    return (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return '?'
  }
}

export function describeMachine(chromium: string, mosquitto: string) {
  const root = join(coreDir, '../..')
  const benchModules = join(root, 'bench/node_modules')
  let commit = '?'
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: root, encoding: 'utf8' }).trim()
  } catch {
    // not a checkout
  }
  return {
    cpu: `${os.cpus()[0]?.model ?? '?'} x ${os.cpus().length}`,
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    chromium,
    mosquitto,
    commit,
    packages: {
      mqtt: version(join(benchModules, 'mqtt')),
      '@aws-amplify/pubsub': version(join(benchModules, '@aws-amplify/pubsub')),
      'playwright-core': version(join(benchModules, 'playwright-core')),
      esbuild: version(join(benchModules, 'esbuild')),
      comlink: version(join(coreDir, 'node_modules/comlink')),
    },
  }
}
