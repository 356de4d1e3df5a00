import { describe, expect, it } from 'vitest'
import { MAX_TOPIC_BYTES, validateTopicName } from '../../src/topics'
import { thrown } from './expect-error'

const invalid = (topic: unknown) => thrown(() => validateTopicName(topic as string), 'INVALID_TOPIC')

describe('validateTopicName', () => {
  it.each([
    'sport/tennis/player1',
    '/finance',
    'sport/',
    '/',
    '//',
    '$SYS/monitor/Clients',
    'a b/ü/€/😀', // spaces and multi-byte UTF-8 are fine (MQTT 4.7.3)
    'x'.repeat(MAX_TOPIC_BYTES),
  ])('accepts %j', (topic) => {
    expect(() => validateTopicName(topic)).not.toThrow()
  })

  it.each([42, null, undefined, { toString: () => 'a' }])('refuses a non-string (%j) without putting the value in details', (value) => {
    const e = invalid(value)
    expect(e.message).toMatch(/must be a string/)
    expect(e.details).toEqual({ type: value === null ? 'null' : typeof value })
  })

  it('refuses the empty string (MQTT 4.7.3)', () => {
    const e = invalid('')
    expect(e.message).toMatch(/empty/)
    expect(e.details).toEqual({ topic: '' })
  })

  it.each([
    ['sport/+', '+', 2, '"+"'],
    ['sport/#', '#', 2, '"#"'],
    ['sport+', '+', 1, '"sport+"'],
    ['a/b/c#d', '#', 3, '"c#d"'],
    ['+/#', '+', 1, '"+"'],
    ['#/a+', '#', 1, '"#"'],
  ])('refuses the wildcard in %j, naming it and its level', (topic, wildcard, level, text) => {
    const e = invalid(topic)
    expect(e.message).toContain(`wildcard "${wildcard}" in level ${level} (${text})`)
    expect(e.message).toContain('publish to a concrete topic; wildcards are for subscribe')
    expect(e.details).toEqual({ topic })
  })

  it('refuses U+0000, showing where', () => {
    const e = invalid('a/b\u0000c')
    expect(e.message).toContain('U+0000 at index 3')
    expect(e.message).toContain('"a/b\\u0000c"')
    expect(e.details).toEqual({ topic: 'a/b\u0000c' })
  })

  it.each([
    ['a/\ud800', 2, 'D800'], // high surrogate at the end
    ['\ud800x', 0, 'D800'], // high surrogate not followed by a low one
    ['a\udc00', 1, 'DC00'], // low surrogate alone
    ['\udc00\ud800', 0, 'DC00'], // reversed pair
    ['\udc00\udc00', 0, 'DC00'], // two low surrogates are no pair either
    ['😀\ud83d', 2, 'D83D'], // after a valid pair
  ])('refuses the lone surrogate in %j (no UTF-8 encoding)', (topic, index, hex) => {
    const e = invalid(topic)
    expect(e.message).toContain(`lone surrogate U+${hex} at index ${index}`)
    expect(e.message).toContain('not valid UTF-8')
  })

  it('counts UTF-8 bytes, not UTF-16 units, against the 65535 limit', () => {
    const threeBytes = '€'.repeat(21845) // 65535 bytes
    expect(() => validateTopicName(threeBytes)).not.toThrow()
    const e = invalid(`${threeBytes}a`)
    expect(e.message).toContain('65536 bytes')
    expect(e.message).toContain('at most 65535')
    const emoji = '😀'.repeat(16384) // 4 bytes each: 65536, in only 32768 UTF-16 units
    expect(invalid(emoji).message).toContain('65536 bytes')
    expect(() => validateTopicName('😀'.repeat(16383))).not.toThrow()
    expect(invalid('é'.repeat(32768)).message).toContain('65536 bytes') // 2 bytes each
  })

  it('refuses one byte over the limit and cuts the topic in the message, not in details', () => {
    const topic = 'x'.repeat(MAX_TOPIC_BYTES + 1)
    const e = invalid(topic)
    expect(e.message).toContain(`"${'x'.repeat(100)}…"`)
    expect(e.message.length).toBeLessThan(300)
    expect(e.details).toEqual({ topic })
  })

  it('cuts long topics in wildcard messages too', () => {
    const e = invalid(`${'a'.repeat(500)}/+`)
    expect(e.message.length).toBeLessThan(400)
    expect(e.message).toContain('level 2')
  })
})
