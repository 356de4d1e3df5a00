import net from 'node:net'

const HOST = '127.0.0.1'

/** A TCP proxy between clients and a broker that a test controls: cuts and blackholes. */
export interface FaultProxy {
  /** The target URL with the proxy's host and port (`ws://127.0.0.1:<port>/mqtt`, `mqtt://…`). */
  url: string
  port: number
  /** Connections open through the proxy now. */
  connections(): number
  /** How many connections the proxy has accepted in all. */
  accepted(): number
  /** Closes every connection now, both ways, as a broker restart or a dropped link would; new ones pass. */
  cut(): void
  /**
   * From now on nothing gets through, in either direction, and nothing is closed: bytes are
   * dropped, a peer's close is not passed on, new connections are accepted and hear nothing. Only
   * a keepalive (or a connect timeout) finds out.
   */
  blackhole(): void
  /**
   * Ends the blackhole: new connections pass again. Connections that lost bytes in it are reset
   * (their streams cannot resume), as TCP resets them once the path is back.
   */
  restore(): void
  /** Sends new connections to another target (a broker restarted on other ports); open ones stay. */
  retarget(url: string): void
  /** Stops listening and closes every connection. */
  close(): Promise<void>
}

interface Pair {
  client: net.Socket
  upstream: net.Socket
  /** Bytes were dropped: this pair can never carry a stream again. */
  broken: boolean
}

function hostPort(url: string): { host: string; port: number } {
  const u = new URL(url)
  const port = Number(u.port || (u.protocol === 'wss:' || u.protocol === 'https:' ? 443 : u.protocol === 'mqtts:' ? 8883 : u.protocol === 'mqtt:' ? 1883 : 80))
  return { host: u.hostname, port }
}

/**
 * Starts a proxy on a free port of 127.0.0.1 in front of `target` (a broker URL). It works at the
 * TCP level, so it carries MQTT over TCP and over WebSocket alike. It keeps no process alive.
 *
 * @example
 * const proxy = await startFaultProxy(broker.wsUrl)
 * createPubSub({ provider: mqttOverWs({ url: proxy.url, keepalive: 2 }) })
 * proxy.blackhole()   // the connection dies silently; keepalive finds it
 * proxy.restore()
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  let to = hostPort(target)
  let holed = false
  let accepted = 0
  const pairs = new Set<Pair>()

  const server = net.createServer((client) => {
    accepted++
    const upstream = net.connect(to.port, to.host)
    const pair: Pair = { client, upstream, broken: holed }
    pairs.add(pair)
    const pipe = (from: net.Socket, into: net.Socket) => {
      from.on('data', (chunk) => {
        if (holed || pair.broken) {
          pair.broken = true // dropped: the stream is corrupt from here on
          return
        }
        into.write(chunk)
      })
      from.on('end', () => {
        if (!holed && !pair.broken) into.end()
      })
      from.on('close', () => {
        if (holed || pair.broken) return // a blackhole passes no close either
        into.destroy()
        pairs.delete(pair)
      })
      from.on('error', () => {})
    }
    pipe(client, upstream)
    pipe(upstream, client)
  })
  server.unref()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, HOST, () => resolve())
  })
  const port = (server.address() as net.AddressInfo).port

  const destroy = (pair: Pair) => {
    pair.client.destroy()
    pair.upstream.destroy()
    pairs.delete(pair)
  }
  const proxyUrl = (url: string) => {
    const u = new URL(url)
    u.hostname = HOST
    u.port = String(port)
    return u.toString()
  }

  return {
    url: proxyUrl(target),
    port,
    connections: () => [...pairs].filter((p) => !p.client.destroyed).length,
    accepted: () => accepted,
    cut: () => {
      for (const pair of [...pairs]) destroy(pair)
    },
    blackhole: () => {
      holed = true
    },
    restore: () => {
      holed = false
      for (const pair of [...pairs]) if (pair.broken || pair.client.destroyed || pair.upstream.destroyed) destroy(pair)
    },
    retarget: (url) => {
      to = hostPort(url)
    },
    close: async () => {
      for (const pair of [...pairs]) destroy(pair)
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
