/**
 * The cloud providers in real headless Chromium: a Vite-built app (core from dist, the default
 * SharedWorker) against the emulators. What matters here and not in Node: the AWS credentials
 * function lives in a page and is called from the SharedWorker through Comlink (also after the
 * page that gave it has closed), SigV4 and SAS tokens are computed inside the worker (WebCrypto),
 * and the DPS registration runs there with mqtt.js's browser build.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, existsSync, readFileSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createHmac } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startAwsIotEmulator, startAzureEmulator, startWatsonEmulator, type AwsIotEmulator, type AzureEmulator, type WatsonEmulator } from '@tabmq/broker'
import { assertChromium, coreDir, ensureCoreBuilt, launchChromium } from '../../browser/fixture'
import { expectNoSecrets, sleep, until } from '../helpers'

const here = dirname(fileURLToPath(import.meta.url))
const GROUP_KEY = Buffer.from('chromium group enrollment key 32').toString('base64')
const WATSON = { org: 'b2c3d4', typeId: 'panel', deviceId: 'p-1', token: 'watson-browser-TOKEN' }

let tmp = ''
let server: Server
let origin = ''
let browser: Browser
let aws: AwsIotEmulator
let azure: AzureEmulator
let watson: WatsonEmulator
/** Temporary credentials handed out by /creds, and which tab asked. */
const issued: Array<{ tab: string; accessKeyId: string; secretAccessKey: string; sessionToken: string }> = []
let credentialLifetimeMs = 3000
const pageErrors: string[] = []
const contexts = new Set<BrowserContext>()

beforeAll(async () => {
  assertChromium()
  ensureCoreBuilt()
  tmp = mkdtempSync(join(tmpdir(), 'tabmq-providers-'))
  const root = join(tmp, 'app')
  cpSync(join(here, 'app'), root, { recursive: true })
  mkdirSync(join(root, 'node_modules', '@tabmq'), { recursive: true })
  symlinkSync(coreDir, join(root, 'node_modules', '@tabmq', 'core'), 'dir')
  const outDir = join(tmp, 'dist')
  const { build } = await import('vite')
  await build({ configFile: false, root, mode: 'production', logLevel: 'warn', build: { outDir, emptyOutDir: true, minify: false, sourcemap: false } })
  ;[aws, azure, watson] = await Promise.all([
    startAwsIotEmulator({ region: 'eu-west-1' }),
    startAzureEmulator({ groupKeys: [GROUP_KEY] }),
    startWatsonEmulator({ org: WATSON.org, devices: [WATSON] }),
  ])
  let n = 0
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname === '/creds') {
      // What Cognito (or the app's backend) would do: new temporary keys each time.
      n++
      const c = {
        accessKeyId: `ASIABROWSER${String(n).padStart(9, '0')}`,
        secretAccessKey: `browser/secret+${n}+${Math.random().toString(36).slice(2)}000000`,
        sessionToken: `IQoJ+browser/${n}/${Math.random().toString(36).slice(2)}==`,
        expiration: new Date(Date.now() + credentialLifetimeMs).toISOString(),
      }
      aws.addCredentials({ ...c, expiresAt: Date.parse(c.expiration) })
      issued.push({ tab: url.searchParams.get('tab') ?? '', ...c })
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(c))
      return
    }
    let file = normalize(join(outDir, url.pathname))
    if (!file.startsWith(outDir + sep) && file !== outDir) return void res.writeHead(403).end()
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html')
    if (!existsSync(file)) return void res.writeHead(404).end()
    const type = { '.html': 'text/html', '.js': 'text/javascript' }[extname(file)] ?? 'application/octet-stream'
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(readFileSync(file))
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  browser = await launchChromium()
}, 240_000)

afterAll(async () => {
  await browser?.close().catch(() => {})
  server?.closeAllConnections()
  await new Promise<void>(r => (server ? server.close(() => r()) : r()))
  await Promise.all([aws?.close(), azure?.close(), watson?.close()])
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

afterEach(async () => {
  for (const ctx of contexts) await ctx.close().catch(() => {})
  contexts.clear()
  expect(pageErrors.splice(0), 'uncaught errors in pages').toEqual([])
})

async function newContext(): Promise<BrowserContext> {
  const ctx = await browser.newContext()
  contexts.add(ctx)
  return ctx
}

/** Opens the fixture app with these settings and waits until its client is connected. */
async function openPage(ctx: BrowserContext, query: Record<string, string>): Promise<Page> {
  const page = await ctx.newPage()
  page.on('pageerror', e => void pageErrors.push(e.message))
  await page.goto(`${origin}/?${new URLSearchParams(query)}`)
  await page.waitForFunction(() => window.cloudError !== undefined || window.cloud?.state().status === 'connected', null, { timeout: 15_000, polling: 50 }).catch(async error => {
    throw new Error(`The page never connected: ${JSON.stringify(await page.evaluate(() => ({ e: window.cloudError, s: window.cloud?.state() })))} (${(error as Error).message})`)
  })
  expect(await page.evaluate(() => window.cloudError)).toBeUndefined()
  return page
}

const received = (page: Page) => page.evaluate(() => window.cloudReceived.map(m => m.topic))

describe('cloud providers in Chromium (SharedWorker)', () => {
  it('awsIot: the credentials function of a page is called from the worker, refreshed, and handed to another page when its own closes', async () => {
    credentialLifetimeMs = 3000
    const ctx = await newContext()
    const query = { provider: 'aws', region: aws.region, endpoint: aws.endpoint, clientId: 'browser-aws' }
    const a = await openPage(ctx, { ...query, tab: 'a' })
    const b = await openPage(ctx, { ...query, tab: 'b' })
    for (const p of [a, b]) await p.evaluate(() => window.cloud.subscribe('fleet/#'))
    await until(async () => (await a.evaluate(() => window.cloud.stats())) !== undefined, 'stats')
    const stats = (await b.evaluate(() => window.cloud.stats())) as { tabs: number; connections: Array<{ key: string; brokerFilters: Array<{ state: string }> }> }
    expect(stats.tabs).toBe(2)
    expect(stats.connections).toHaveLength(1)
    expect(aws.connectedClients()).toEqual(['browser-aws'])
    await until(async () => ((await a.evaluate(() => window.cloud.stats())) as typeof stats).connections[0]!.brokerFilters.every(f => f.state === 'active'), 'the subscription')
    // Credentials expire after 3 s: the gateway cuts, the worker reconnects with refreshed ones.
    await until(() => new Set(aws.handshakes.filter(h => h.status === 101).map(h => h.accessKeyId)).size >= 3, 'two refreshes', 15_000)
    expect(issued.every(c => c.tab === 'a')).toBe(true)
    await until(async () => (await a.evaluate(() => window.cloud.state().status)) === 'connected', 'connected again')
    await sleep(300)
    await aws.publish('fleet/1', JSON.stringify({ n: 1 }), 1)
    for (const p of [a, b]) await until(async () => (await received(p)).includes('fleet/1'), 'a message in both pages')
    // The page that gave the function closes: the worker now asks the other page.
    await a.close()
    const before = issued.length
    await until(() => issued.slice(before).some(c => c.tab === 'b'), 'credentials through page b', 25_000)
    await until(async () => (await b.evaluate(() => window.cloud.state().status)) === 'connected', 'connected with page b\'s credentials', 15_000)
    await until(() => aws.handshakes.some(h => h.status === 101 && h.accessKeyId === issued.filter(c => c.tab === 'b')[0]!.accessKeyId), 'a connection signed with page b\'s keys', 15_000)
    await sleep(300)
    await aws.publish('fleet/2', '2', 1)
    await until(async () => (await received(b)).includes('fleet/2'), 'a message after the handover')
    const texts = [JSON.stringify(await b.evaluate(() => window.cloud.stats())), JSON.stringify(await b.evaluate(() => window.cloud.state()))]
    expectNoSecrets(texts, issued.flatMap(c => [c.secretAccessKey, c.sessionToken]))
  }, 90_000)

  it('azureDps: the worker registers (WebCrypto SAS), two pages share the hub connection, tokens expire and are renewed', async () => {
    const ctx = await newContext()
    const query = { provider: 'azure', idScope: azure.idScope, registrationId: 'browser-dev', groupKey: GROUP_KEY, globalEndpoint: azure.globalEndpoint, ttl: '2' }
    const a = await openPage(ctx, query)
    const b = await openPage(ctx, query)
    expect(azure.registrations).toEqual([{ registrationId: 'browser-dev', deviceId: 'browser-dev' }])
    expect(azure.hubClients()).toEqual(['browser-dev'])
    for (const p of [a, b]) await p.evaluate(() => window.cloud.subscribe('devices/browser-dev/messages/devicebound/#'))
    expect(await a.evaluate(() => window.cloud.publish('devices/browser-dev/messages/events/k=v', { t: 1 }))).toBe('ok')
    await until(() => azure.logins.filter(l => l.deviceId === 'browser-dev').length >= 3, 'two token renewals', 15_000)
    await until(async () => (await a.evaluate(() => window.cloud.state().status)) === 'connected', 'connected again')
    await sleep(300)
    await azure.sendC2D('browser-dev', 'hello pages')
    for (const p of [a, b]) await until(async () => (await received(p)).some(t => t.startsWith('devices/browser-dev/messages/devicebound/')), 'the cloud-to-device message')
    expect(azure.registrations).toHaveLength(1)
    const derived = createHmac('sha256', Buffer.from(GROUP_KEY, 'base64')).update('browser-dev').digest('base64')
    expectNoSecrets([JSON.stringify(await a.evaluate(() => window.cloud.stats()))], [GROUP_KEY, derived])
  }, 60_000)

  it('watsonIot: two pages share one d: connection; the hub enforces the payload limit', async () => {
    const ctx = await newContext()
    const query = { provider: 'watson', org: WATSON.org, host: watson.host, typeId: WATSON.typeId, deviceId: WATSON.deviceId, token: WATSON.token }
    const a = await openPage(ctx, query)
    const b = await openPage(ctx, query)
    for (const p of [a, b]) await p.evaluate(() => window.cloud.subscribe('iot-2/cmd/+/fmt/+'))
    expect(watson.connectedClients()).toEqual([`d:${WATSON.org}:panel:p-1`])
    await sleep(300)
    await watson.sendCommand('panel', 'p-1', 'show', '"hi"')
    for (const p of [a, b]) await until(async () => (await received(p)).includes('iot-2/cmd/show/fmt/json'), 'the command')
    expect(await b.evaluate(() => window.cloud.publish('iot-2/evt/big/fmt/bin', 'x'.repeat(131_073)))).toMatch(/^PAYLOAD_TOO_LARGE/)
    expect(await b.evaluate(() => window.cloud.publish('iot-2/evt/ok/fmt/json', { ok: true }))).toBe('ok')
    expect(watson.events.at(-1)).toMatchObject({ eventId: 'ok', payload: '{"ok":true}' })
  }, 60_000)
})
