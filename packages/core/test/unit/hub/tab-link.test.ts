import { describe, expect, it } from 'vitest'
import type { RoutedMessage } from '../../../src/protocol'
import { subscription, tab } from './fakes'

const bytes = (text: string) => new TextEncoder().encode(text)
const message = (topic: string, payload: Uint8Array): RoutedMessage => ({ topic, payload, qos: 0, retain: false })

describe('TabLink', () => {
  it('sends one entry per message, decoded in the hub once per codec its subscriptions use', () => {
    const t = tab()
    const auto = subscription(t.link, 'a/#')
    const text = { ...subscription(t.link, 'a/+'), codec: 'text' as const }
    const json = { ...subscription(t.link, 'a/b'), codec: 'json' as const }
    const m = message('a/b', bytes('{"on":true}'))
    for (const s of [auto, text, json]) t.link.enqueue(s, 1, m)
    const [entry, ...rest] = t.messages()
    expect(rest).toEqual([])
    expect(entry!.s).toEqual([auto.subId, text.subId, json.subId])
    expect(entry!.d).toEqual({ auto: { on: true }, text: '{"on":true}', json: { on: true } })
    expect(entry!.e).toBeUndefined()
  })

  it('a payload a strict codec cannot decode still goes, with the reason for that codec', () => {
    const t = tab()
    const auto = subscription(t.link, 'x')
    const json = { ...subscription(t.link, 'x'), codec: 'json' as const }
    const m = message('x', bytes('not json'))
    t.link.enqueue(auto, 7, m)
    t.link.enqueue(json, 7, m)
    const [entry] = t.messages()
    expect(entry!.d).toEqual({ auto: 'not json' })
    expect(entry!.e?.json).toMatchObject({ code: 'INVALID_PAYLOAD', details: { topic: 'x' } })
  })

  it('bytes that are not UTF-8 travel once, as bytes: auto data is the payload itself', () => {
    const t = tab()
    const binary = { ...subscription(t.link, 'bin'), codec: 'binary' as const }
    const auto = subscription(t.link, 'bin')
    const m = message('bin', new Uint8Array([0xff, 0xfe, 0x00]))
    t.link.enqueue(binary, 3, m)
    t.link.enqueue(auto, 3, m)
    const [entry] = t.messages()
    expect(entry!.x).toBeUndefined()
    expect(entry!.payload).toBe(m.payload)
    expect(entry!.d.auto).toBe(entry!.payload)
    expect('binary' in entry!.d).toBe(false) // the tab has the bytes
  })

  it('UTF-8 payloads travel as text, exactly: a byte order mark is kept for the bytes and dropped for the data', () => {
    const t = tab()
    const auto = subscription(t.link, 'bom')
    const m = message('bom', new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('{"a":1}')]))
    t.link.enqueue(auto, 4, m)
    const [entry] = t.messages()
    expect(entry!.payload).toBeUndefined()
    expect([...new TextEncoder().encode(entry!.x)]).toEqual([...m.payload])
    expect(entry!.d.auto).toEqual({ a: 1 })
  })
})
