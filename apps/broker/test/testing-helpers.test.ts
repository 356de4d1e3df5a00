import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { brokerHas, brokerLacks, hubFilters, serveStatic, startAedes, startMosquitto, type TestBroker, unsubscribeCount } from '../src/testing'
import { connectClient } from './helpers'

describe('the subscription waits', () => {
  let broker: TestBroker
  beforeAll(async () => {
    broker = await startAedes()
  })
  afterAll(() => broker.close())

  it('wait for a filter to be held and released, and count its UNSUBSCRIBEs', async () => {
    const client = await connectClient(broker.tcpUrl)
    let held = false
    const has = brokerHas(broker, 'w/a').then(() => (held = true))
    await new Promise((r) => setTimeout(r, 50))
    expect(held).toBe(false)
    await client.subscribeAsync('w/a')
    await has
    expect(unsubscribeCount(broker, 'w/a')).toBe(0)
    await client.unsubscribeAsync('w/a')
    await brokerLacks(broker, 'w/a')
    expect(unsubscribeCount(broker, 'w/a')).toBe(1)
    expect(unsubscribeCount(broker, 'w')).toBe(0)
  })

  it('reject, naming the filter, when the broker never holds it', async () => {
    await expect(brokerHas(broker, 'w/never')).rejects.toThrow(/w\/never at the broker/)
  }, 10_000)
})

describe('unsubscribeCount', () => {
  it("refuses a broker whose log it cannot read, rather than count 0", async () => {
    const mosquitto = await startMosquitto()
    try {
      expect(() => unsubscribeCount(mosquitto, 'a')).toThrow(/aedes/)
    } finally {
      await mosquitto.close()
    }
  })
})

describe('hubFilters', () => {
  it("lists the first connection's filters and their observers", async () => {
    const connection = { filters: [{ filter: 'a/#', refs: 2, qos: 1 }] }
    expect(await hubFilters({ getStats: async () => ({ connections: [connection] }) })).toEqual([{ filter: 'a/#', refs: 2 }])
    expect(await hubFilters({ getStats: async () => ({ connections: [] }) })).toEqual([])
  })
})

describe('serveStatic', () => {
  // The served folder, and a file next to it that no request may reach.
  const root = mkdtempSync(join(tmpdir(), 'tabmq-static-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  const dir = join(root, 'site')
  mkdirSync(join(dir, 'assets'), { recursive: true })
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>')
  writeFileSync(join(dir, 'assets', 'app.js'), 'export {}')
  writeFileSync(join(root, 'outside.txt'), 'secret')

  /** A GET with the path sent as it is (fetch would normalize `..` away). */
  const get = (origin: string, path: string) =>
    new Promise<{ status: number; type: string | undefined; cache: string | undefined; body: string }>((resolve, reject) => {
      const req = request(`${origin}${path}`, { path }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], cache: res.headers['cache-control'], body }))
      })
      req.on('error', reject)
      req.end()
    })

  it('serves files uncached with their type, a folder as its index.html, and records the paths', async () => {
    const server = await serveStatic(dir)
    try {
      expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(await get(server.origin, '/')).toEqual({ status: 200, type: 'text/html; charset=utf-8', cache: 'no-store', body: '<!doctype html><title>t</title>' })
      expect(await get(server.origin, '/assets/app.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8', body: 'export {}' })
      expect(await get(server.origin, '/assets/missing.js')).toMatchObject({ status: 404 })
      expect(server.requests).toEqual(['/', '/assets/app.js', '/assets/missing.js'])
    } finally {
      await server.close()
    }
  })

  it('refuses a path out of its folder', async () => {
    const server = await serveStatic(dir)
    try {
      const outside = await get(server.origin, '/..%2Foutside.txt')
      expect(outside.status).toBe(403)
      expect(outside.body).not.toContain('secret')
    } finally {
      await server.close()
    }
  })

  it('serves the override for a path it names, the file for the others', async () => {
    const server = await serveStatic(dir, { override: (path) => (path === '/assets/app.js' ? 'export const mutated = 1' : undefined) })
    try {
      expect(await get(server.origin, '/assets/app.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8', body: 'export const mutated = 1' })
      expect(await get(server.origin, '/')).toMatchObject({ status: 200, body: '<!doctype html><title>t</title>' })
    } finally {
      await server.close()
    }
  })
})
