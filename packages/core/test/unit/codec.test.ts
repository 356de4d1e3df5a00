import { describe, expect, it } from 'vitest'
import { decodePayload, encodePayload, PubSubError } from '../../src/index'

const text = (b: Uint8Array) => new TextDecoder().decode(b)

describe('encodePayload', () => {
  it('sends objects as JSON, strings as UTF-8, bytes as they are', () => {
    expect(text(encodePayload({ on: true }))).toBe('{"on":true}')
    expect(text(encodePayload([1, 'a']))).toBe('[1,"a"]')
    expect(text(encodePayload('héllo'))).toBe('héllo')
    expect(encodePayload('héllo').length).toBe(6)
    const bytes = new Uint8Array([0, 255])
    expect(encodePayload(bytes)).toBe(bytes)
    expect([...encodePayload(new Uint8Array([1, 2, 3]).buffer)]).toEqual([1, 2, 3])
    expect([...encodePayload(new DataView(new Uint8Array([9, 8, 7]).buffer, 1, 2))]).toEqual([8, 7])
    expect(text(encodePayload(42))).toBe('42')
    expect(text(encodePayload(null))).toBe('null')
    expect(text(encodePayload(false))).toBe('false')
  })

  it('refuses what cannot be serialised, with INVALID_PAYLOAD', () => {
    const cyclic: { self?: unknown } = {}
    cyclic.self = cyclic
    for (const bad of [cyclic, () => 1, Symbol('x'), 10n, undefined, { big: 1n }]) {
      expect(() => encodePayload(bad as never)).toThrow(PubSubError)
      try {
        encodePayload(bad as never)
      } catch (e) {
        expect((e as PubSubError).code).toBe('INVALID_PAYLOAD')
      }
    }
  })
})

describe('decodePayload', () => {
  const bytes = (s: string) => new TextEncoder().encode(s)
  it('json, text and binary do what they say', () => {
    expect(decodePayload(bytes('{"a":1}'), 'json')).toEqual({ a: 1 })
    expect(() => decodePayload(bytes('nope'), 'json')).toThrow()
    expect(decodePayload(bytes('{"a":1}'), 'text')).toBe('{"a":1}')
    expect(() => decodePayload(new Uint8Array([0xff, 0xfe]), 'text')).toThrow()
    const b = new Uint8Array([1, 2])
    expect(decodePayload(b, 'binary')).toBe(b)
  })

  it('auto: JSON when it parses, text when UTF-8, bytes otherwise; never throws', () => {
    expect(decodePayload(bytes('{"a":1}'), 'auto')).toEqual({ a: 1 })
    expect(decodePayload(bytes('21.5'), 'auto')).toBe(21.5)
    expect(decodePayload(bytes('-3'), 'auto')).toBe(-3)
    expect(decodePayload(bytes('true'), 'auto')).toBe(true)
    expect(decodePayload(bytes('"s"'), 'auto')).toBe('s')
    expect(decodePayload(bytes('online'), 'auto')).toBe('online')
    expect(decodePayload(bytes('{broken'), 'auto')).toBe('{broken')
    expect(decodePayload(bytes('12abc'), 'auto')).toBe('12abc')
    expect(decodePayload(new Uint8Array(0), 'auto')).toBe('')
    const binary = new Uint8Array([0xff, 0x00, 0xc3])
    expect(decodePayload(binary, 'auto')).toBe(binary)
  })
})
