#!/usr/bin/env node
// The test suites run real Chromium, a real Mosquitto and a real RabbitMQ. Before they start, make
// sure all are here: install them where we can (Debian, as root), else say in one line what to
// install. Nothing is ever skipped for lack of them.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const needs = [
  { name: 'Chromium', pkg: 'chromium', paths: [process.env.TABMQ_CHROMIUM, '/usr/bin/chromium'] },
  { name: 'Mosquitto', pkg: 'mosquitto', paths: [process.env.TABMQ_MOSQUITTO, '/usr/sbin/mosquitto', '/usr/bin/mosquitto'] },
  {
    name: 'RabbitMQ',
    pkg: 'rabbitmq-server',
    paths: [process.env.TABMQ_RABBITMQ_BIN && `${process.env.TABMQ_RABBITMQ_BIN}/rabbitmq-server`, '/usr/lib/rabbitmq/bin/rabbitmq-server'],
  },
]
const missing = needs.filter(n => !n.paths.some(p => p && existsSync(p)))
if (missing.length === 0) process.exit(0)

const pkgs = missing.map(n => n.pkg)
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
const hasApt = existsSync('/usr/bin/apt-get')
if (isRoot && hasApt) {
  console.log(`Installing ${missing.map(n => n.name).join(' and ')} for the tests (apt-get install -y ${pkgs.join(' ')})...`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
  execFileSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'inherit', env })
  process.exit(0)
}
console.error(
  `The tests need ${missing.map(n => n.name).join(' and ')}: install ${hasApt ? `with \`sudo apt-get install -y ${pkgs.join(' ')}\`` : `the packages ${pkgs.join(', ')} (Chromium at /usr/bin/chromium or TABMQ_CHROMIUM; Mosquitto from https://mosquitto.org/download or TABMQ_MOSQUITTO; RabbitMQ 3.10+ from https://www.rabbitmq.com/download.html, TABMQ_RABBITMQ_BIN naming the folder with rabbitmq-server and rabbitmqctl)`}, then run pnpm test again.`,
)
process.exit(1)
