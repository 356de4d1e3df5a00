/**
 * Who the tabs are: different identities never share a connection, and refused credentials stop
 * (no reconnect storm). Every demo, against Mosquitto with users: its log names the user of each
 * connection, so the broker itself says which identity carried what.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFaultProxy, type FaultProxy } from '@tabmq/broker/testing'
import { useChromium } from '../src/chromium'
import { eventually } from '../src/dashboard'
import { selectedDemos } from '../src/demos'
import { explore, explorerRows } from '../src/explorer'
import { connectOutside, type Outside } from '../src/outside'
import { readRecord, steps } from '../src/page-probe'
import { useSuite } from '../src/suite'

const USERS = { alice: 'alice-password', bob: 'bob-password' }
const login = (user: keyof typeof USERS) => ({ user, password: USERS[user] })

/** The user name each connection logged in with, from Mosquitto's log (`… as <id> (p2, c1, k60, u'alice').`). */
function usersByClient(log: readonly string[]): Map<string, string> {
  const users = new Map<string, string>()
  for (const line of log) {
    const m = /^New client connected from \S+ as (\S+) \(.*u'([^']*)'\)\.$/.exec(line)
    if (m) users.set(m[1]!, m[2]!)
  }
  return users
}

const chromium = useChromium()

describe.each(selectedDemos())('%s: identities (Mosquitto with users)', demo => {
  const suite = useSuite(demo, { chromium, broker: 'mosquitto', brokerOptions: { users: USERS } })
  let outside: Outside
  beforeAll(async () => {
    outside = await connectOutside(suite.broker, [], { auth: { username: 'alice', password: USERS.alice } })
  })
  afterAll(() => outside?.close())

  it("two browser contexts with different identities never share a connection or see each other's messages", async () => {
    // Context A: alice. Context B: bob, and alice again in the same SharedWorker (a second login).
    const [contextA, contextB] = [await suite.newContext(), await suite.newContext()]
    const aliceA = await suite.open(contextA, login('alice'), 'alice in A')
    const bobB = await suite.open(contextB, login('bob'), 'bob in B')
    const aliceB = await suite.open(contextB, login('alice'), 'alice in B')
    for (const tab of [aliceA, bobB, aliceB]) await tab.waitText('connection-state', 'connected')
    await explore(aliceA, 'e2e/alice/#')
    await explore(aliceB, 'e2e/alice/#')
    await explore(bobB, 'e2e/bob/#')

    await suite.broker.waitFor(() => suite.tabmqClients().length === 3, 5000, 'three tabmq connections: one per identity per browser context')
    const users = usersByClient(suite.broker.log())
    const holders = (filter: string) => suite.broker.subscriptions().filter(s => s.filter === filter).map(s => users.get(s.clientId))
    await suite.broker.waitFor(() => holders('e2e/alice/#').length === 2 && holders('e2e/bob/#').length === 1, 5000, 'the explorer filters at the broker')
    // Each filter is held by connections logged in as the user who asked for it, and no other.
    expect(holders('e2e/alice/#')).toEqual(['alice', 'alice'])
    expect(holders('e2e/bob/#')).toEqual(['bob'])
    expect(suite.tabmqClients().map(id => users.get(id)).sort()).toEqual(['alice', 'alice', 'bob'])
    await eventually('the headers', async () => (await aliceA.text('connection-count')) === '1' && (await bobB.text('connection-count')) === '2' && (await bobB.text('tab-count')) === '2')

    // Messages: each tab sees what its identity subscribed to, once, and nothing of the other's.
    await outside.publish('e2e/alice/note', 'for alice')
    await outside.publish('e2e/bob/note', 'for bob')
    const rows = explorerRows
    for (const tab of [aliceA, aliceB]) await eventually('alice to get hers', async () => (await rows(tab)).some(r => r.includes('for alice')))
    await eventually('bob to get his', async () => (await rows(bobB)).some(r => r.includes('for bob')))
    for (const tab of [aliceA, aliceB]) expect((await rows(tab)).filter(r => r.includes('for'))).toEqual([expect.stringContaining('for alice')])
    expect((await rows(bobB)).filter(r => r.includes('for'))).toEqual([expect.stringContaining('for bob')])

    // What a tab publishes goes out on its own identity's connection.
    expect(await bobB.client.publish('e2e/from/bob', 'hi', { qos: 1 })).toEqual({ ok: true })
    expect(await aliceB.client.publish('e2e/from/alice', 'hi', { qos: 1 })).toEqual({ ok: true })
    const publisher = (topic: string) => {
      const line = suite.broker.log().find(l => l.startsWith('Received PUBLISH from ') && l.includes(`'${topic}'`))
      return line && users.get(/^Received PUBLISH from (\S+)/.exec(line)![1]!)
    }
    await suite.broker.waitFor(() => publisher('e2e/from/bob') !== undefined && publisher('e2e/from/alice') !== undefined, 5000, 'both publishes in the log')
    expect([publisher('e2e/from/bob'), publisher('e2e/from/alice')]).toEqual(['bob', 'alice'])
  })

  describe('through a proxy that counts connection attempts', () => {
    let proxy: FaultProxy
    beforeAll(async () => {
      proxy = await startFaultProxy(suite.broker.wsUrl)
    })
    afterAll(() => proxy?.close())

    it('credentials refused: the header shows the error once, and the broker sees no reconnect storm', async () => {
      const context = await suite.newContext()
      const before = proxy.accepted()
      const logBefore = suite.broker.log().length
      const tab = await suite.open(context, { broker: proxy.url, user: 'alice', password: 'wrong' })
      await tab.waitText('connection-state', 'offline')
      await eventually('the error in the header', async () => (await tab.count('connection-error')) === 1)
      expect(await tab.text('connection-error')).toMatch(/password|authori[sz]ed|credentials/i)
      // A client that retried would have tried again within 3 s (backoff 0.5 s, then 1 s).
      const watchUntil = Date.now() + 3000
      while (Date.now() < watchUntil) {
        expect(proxy.accepted() - before, 'connection attempts through the proxy').toBe(1)
        await new Promise(r => setTimeout(r, 100))
      }
      // The broker's own count: one CONNACK refusing the login (`Sending CONNACK to … (0, 5)`).
      const refusals = suite.broker.log().slice(logBefore).filter(l => /^Sending CONNACK to \S+ \(\d, [1-5]\)$/.test(l))
      expect(refusals, "refusals in the broker's log").toHaveLength(1)
      const record = await readRecord(tab.page)
      expect(steps(record.states.map(s => s.status)).filter(s => s !== 'idle')).toEqual(['connecting', 'offline'])
      expect(new Set(record.states.filter(s => s.status === 'offline').map(s => s.code))).toEqual(new Set([expect.stringMatching(/^(BAD_CREDENTIALS|NOT_AUTHORIZED)$/)]))
      expect(steps(record.shown).filter(s => s !== 'idle')).toEqual(['connecting', 'offline'])
      expect(await tab.text('connection-state')).toBe('offline')
    })
  })
})
