import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { startMosquitto, startRabbitMQ } from '../src/testing'
import { until } from './helpers'

const here = path.dirname(fileURLToPath(import.meta.url))

/** Whether a process (or, given a negative id, a process group) still exists. */
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

describe('rabbitmq process group', () => {
  it('dies, epmd and Erlang VM included, and its folder goes, when the test process is SIGKILLed', async () => {
    const parent = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'scripts/orphan-rabbitmq.ts')], {
      cwd: path.join(here, '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    parent.stdout.on('data', (d: Buffer) => (out += d.toString()))
    await until(() => /dir \S+/.test(out), 'the orphan script to start RabbitMQ', 100_000)
    const group = -Number(/pid (\d+)/.exec(out)![1])
    const dir = /dir (\S+)/.exec(out)![1]!
    expect(existsSync(dir)).toBe(true)
    expect(alive(group)).toBe(true)
    parent.kill('SIGKILL')
    await until(() => !alive(group), 'the RabbitMQ process group to die after its parent was SIGKILLed', 6000)
    await until(() => !existsSync(dir), `the watchdog to remove ${dir}`, 4000)
  }, 120_000)

  it('stops on close(), leaving no process and no folder', async () => {
    const broker = await startRabbitMQ()
    const group = -broker.pid!
    const dir = /home dir +: (\S+?)(?:\\n|\s)/.exec(broker.log().find((l) => l.includes('home dir'))!)![1]!
    expect(alive(group)).toBe(true)
    await broker.close()
    expect(alive(group)).toBe(false)
    expect(existsSync(dir)).toBe(false)
  }, 120_000)

  it('says how to install RabbitMQ when it is missing', async () => {
    const saved = process.env.TABMQ_RABBITMQ_BIN
    process.env.TABMQ_RABBITMQ_BIN = '/nonexistent'
    try {
      await expect(startRabbitMQ()).rejects.toThrow(/RabbitMQ is not installed: run `apt-get install -y rabbitmq-server`/)
    } finally {
      if (saved === undefined) delete process.env.TABMQ_RABBITMQ_BIN
      else process.env.TABMQ_RABBITMQ_BIN = saved
    }
  })
})
