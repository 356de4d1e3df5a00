import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { startMosquitto } from '../src/testing'
import { until } from './helpers'

const here = path.dirname(fileURLToPath(import.meta.url))

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('mosquitto child process', () => {
  it('dies when the test process is SIGKILLed', async () => {
    const parent = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'scripts/orphan-mosquitto.ts')], {
      cwd: path.join(here, '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    parent.stdout.on('data', (d: Buffer) => (out += d.toString()))
    await until(() => /dir \S+/.test(out), 'the orphan script to start Mosquitto', 10_000)
    const pid = Number(/pid (\d+)/.exec(out)![1])
    const dir = /dir (\S+)/.exec(out)![1]!
    expect(existsSync(dir)).toBe(true)
    expect(alive(pid)).toBe(true)
    parent.kill('SIGKILL')
    await until(() => !alive(pid), `Mosquitto (pid ${pid}) to stop after its parent was SIGKILLed`, 6000)
    await until(() => !existsSync(dir), `the watchdog to remove ${dir}`, 4000)
  })

  it('dies on close()', async () => {
    const broker = await startMosquitto()
    const pid = broker.pid!
    expect(alive(pid)).toBe(true)
    await broker.close()
    expect(alive(pid)).toBe(false)
  })

  it('says how to install Mosquitto when it is missing', async () => {
    const saved = process.env.TABMQ_MOSQUITTO
    process.env.TABMQ_MOSQUITTO = '/nonexistent/mosquitto'
    try {
      await expect(startMosquitto()).rejects.toThrow(
        'Mosquitto is not installed: run `apt-get install -y mosquitto` (Debian) or install it from https://mosquitto.org/download',
      )
    } finally {
      if (saved === undefined) delete process.env.TABMQ_MOSQUITTO
      else process.env.TABMQ_MOSQUITTO = saved
    }
  })
})
