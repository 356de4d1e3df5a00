import { serveCounter, workerParams } from './worker-side.js'

/**
 * No MQTT library: CONNECT and SUBSCRIBE written by hand, then PUBLISH packets framed (fixed
 * header, remaining length) and counted, their number read from the payload without decoding it.
 */
const { broker, mode, filter } = workerParams()
const counter = serveCounter(mode)

function packet(type: number, body: number[]): Uint8Array {
  const len: number[] = []
  let n = body.length
  do {
    let b = n % 128
    n = Math.floor(n / 128)
    if (n > 0) b |= 0x80
    len.push(b)
  } while (n > 0)
  return new Uint8Array([type, ...len, ...body])
}
const str = (s: string) => {
  const b = new TextEncoder().encode(s)
  return [b.length >> 8, b.length & 255, ...b]
}

const ws = new WebSocket(broker, 'mqtt')
ws.binaryType = 'arraybuffer'
ws.onopen = () => {
  ws.send(packet(0x10, [...str('MQTT'), 4, 2, 0, 60, ...str(`raw_${Math.random().toString(16).slice(2)}`)]))
  ws.send(packet(0x82, [0, 1, ...str(filter), 0]))
  setInterval(() => ws.send(new Uint8Array([0xc0, 0])), 30_000)
}

// Only the JSON reading's "i" is needed: parse digits after `{"i":` instead of the whole payload.
let rest = new Uint8Array(0)
ws.onmessage = (e: MessageEvent<ArrayBuffer>) => {
  let buf = new Uint8Array(e.data)
  if (rest.length) {
    const joined = new Uint8Array(rest.length + buf.length)
    joined.set(rest)
    joined.set(buf, rest.length)
    buf = joined
  }
  let at = 0
  for (;;) {
    let len = 0
    let mul = 1
    let p = at + 1
    let complete = false
    while (p < buf.length) {
      const b = buf[p++]!
      len += (b & 127) * mul
      mul *= 128
      if (!(b & 128)) {
        complete = true
        break
      }
    }
    if (!complete || p + len > buf.length) break
    if ((buf[at]! >> 4) === 3) {
      const topicLen = (buf[p]! << 8) | buf[p + 1]!
      const start = p + 2 + topicLen
      const topic = buf[p + 8] === 112 ? 'bench/probe' : 'bench/data'
      let value: unknown
      if (mode === 'binary') value = buf.subarray(start, p + len)
      else {
        let i = 0
        for (let q = start + 5; buf[q]! >= 48 && buf[q]! <= 57; q++) i = i * 10 + buf[q]! - 48
        value = { i }
      }
      counter.message(topic, value, p + len - start)
    }
    at = p + len
  }
  rest = buf.slice(at)
}
