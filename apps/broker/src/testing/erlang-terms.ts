/**
 * Reading the few Erlang terms RabbitMQ prints with `~p` in the log lines the fixture follows:
 * strings (`"a/b"`, long ones split into adjacent literals, or `[97,0,98]` when not printable)
 * and `{mqtt_topic,Name,QoS}` records.
 */

const ESCAPES: Record<string, string> = { b: '\b', d: '\x7f', e: '\x1b', f: '\f', n: '\n', r: '\r', s: ' ', t: '\t', v: '\v' }

function skipSpace(text: string, at: number): number {
  while (at < text.length && /\s/.test(text[at]!)) at++
  return at
}

/** Erlang strings of an MQTT frame are its UTF-8 bytes, one code unit each: decode them. */
function fromBytes(units: number[]): string {
  if (units.some((u) => u > 255)) return String.fromCodePoint(...units)
  return Buffer.from(units).toString('utf8')
}

function readQuoted(text: string, at: number, units: number[]): number {
  let i = at + 1
  while (i < text.length && text[i] !== '"') {
    let ch = text[i]!
    if (ch === '\\') {
      const next = text[++i]!
      const hex = next === 'x' ? /^x\{([0-9a-fA-F]+)\}|^x([0-9a-fA-F]{2})/.exec(text.slice(i)) : null
      if (hex) {
        units.push(Number.parseInt(hex[1] ?? hex[2]!, 16))
        i += hex[0].length
        continue
      }
      const octal = /^[0-7]{1,3}/.exec(text.slice(i))
      if (octal) {
        units.push(Number.parseInt(octal[0], 8))
        i += octal[0].length
        continue
      }
      ch = ESCAPES[next] ?? next
    }
    units.push(ch.codePointAt(0)!)
    i += ch.length
  }
  return i + 1
}

/**
 * Reads the string printed at `at`; undefined when there is none.
 *
 * @example
 * readErlangString('{mqtt_topic,"a/b",1}', 12) // { value: 'a/b', end: 17 }
 */
export function readErlangString(text: string, at: number): { value: string; end: number } | undefined {
  const units: number[] = []
  if (text[at] === '"') {
    let end = readQuoted(text, at, units)
    // ~p splits a long string into adjacent literals on several lines.
    for (let next = skipSpace(text, end); text[next] === '"'; next = skipSpace(text, end)) end = readQuoted(text, next, units)
    return { value: fromBytes(units), end }
  }
  if (text[at] === '[') {
    const close = text.indexOf(']', at)
    if (close < 0) return undefined
    const inner = text.slice(at + 1, close).trim()
    if (inner !== '' && !/^\d+(\s*,\s*\d+)*$/.test(inner)) return undefined
    for (const n of inner === '' ? [] : inner.split(',')) units.push(Number(n.trim()))
    return { value: fromBytes(units), end: close + 1 }
  }
  return undefined
}

/**
 * The `{mqtt_topic,Name,QoS}` records of a printed list (QoS is `undefined` in an UNSUBSCRIBE).
 *
 * @example
 * readMqttTopics('[{mqtt_topic,"a/#",1},\n {mqtt_topic,"b",0}]') // [{ name: 'a/#', qos: 1 }, { name: 'b', qos: 0 }]
 */
export function readMqttTopics(text: string): Array<{ name: string; qos: number | undefined }> {
  const out: Array<{ name: string; qos: number | undefined }> = []
  const marker = '{mqtt_topic,'
  for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at)) {
    const name = readErlangString(text, skipSpace(text, at + marker.length))
    if (!name) {
      at += marker.length
      continue
    }
    const rest = /^\s*,\s*(\d+|undefined)\s*}/.exec(text.slice(name.end))
    out.push({ name: name.value, qos: rest && rest[1] !== 'undefined' ? Number(rest[1]) : undefined })
    at = name.end
  }
  return out
}
