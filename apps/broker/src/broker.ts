import http from 'node:http'
import net from 'node:net'
import { Aedes } from 'aedes'
import { WebSocketServer, createWebSocketStream } from 'ws'
import { accessHooks, type AccessOptions } from './access'
import { listen } from './ports'

/** Options of {@link startBroker}. */
export interface BrokerOptions extends AccessOptions {
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string
  /** MQTT over WebSocket port. Default 8083; 0 picks a free port. */
  wsPort?: number
  /** Plain MQTT (TCP) port. Default 1883; 0 picks a free port. */
  tcpPort?: number
  /** Path of the WebSocket endpoint. Default `/mqtt`. */
  wsPath?: string
  /** Let the process exit while the broker still listens (test fixtures). Default false. */
  unref?: boolean
}

/** A running broker. */
export interface Broker {
  /** `ws://<host>:<port><wsPath>`, for mqtt.js in browsers and workers. */
  wsUrl: string
  /** `mqtt://<host>:<port>`, for devices and Node clients. */
  tcpUrl: string
  /** The aedes instance, to listen to its events ('client', 'subscribe', 'publish', ...). */
  aedes: Aedes
  /** Disconnects every client at once and stops listening. */
  close(): Promise<void>
}

const MQTT_SUBPROTOCOLS = ['mqtt', 'mqttv3.1']

/** Answer for plain HTTP requests to the WebSocket port. */
function upgradeRequired(wsPath: string): http.RequestListener {
  return (_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' })
    res.end(`This is an MQTT over WebSocket endpoint: connect an MQTT client to ${wsPath}\n`)
  }
}

/**
 * Starts an embedded aedes broker (MQTT 3.1 and 3.1.1) listening on
 * WebSocket (`wsPath`, subprotocol `mqtt`) and TCP.
 *
 * A taken port rejects with a `PortInUseError` whose message says what to do:
 * `Port 8083 on 127.0.0.1 is in use: stop the other broker or set TABMQ_WS_PORT`.
 */
export async function startBroker(opts: BrokerOptions = {}): Promise<Broker> {
  const { host = '127.0.0.1', wsPort = 8083, tcpPort = 1883, wsPath = '/mqtt' } = opts
  const aedes = await Aedes.createBroker(accessHooks(opts))

  const sockets = new Set<net.Socket>()
  const tcpServer = net.createServer((socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    aedes.handle(socket)
  })
  const httpServer = http.createServer(upgradeRequired(wsPath))
  const wss = new WebSocketServer({
    server: httpServer,
    path: wsPath,
    handleProtocols: (protocols) => MQTT_SUBPROTOCOLS.find((p) => protocols.has(p)) ?? false,
  })
  wss.on('error', () => {}) // re-emitted server errors; listen() reports them
  wss.on('connection', (socket, req) => {
    socket.on('error', () => socket.terminate())
    aedes.handle(createWebSocketStream(socket), req)
  })

  const closeAll = async () => {
    for (const socket of sockets) socket.destroy()
    for (const client of wss.clients) client.terminate()
    await withTimeout(new Promise<void>((resolve) => aedes.close(() => resolve())), 2000)
    wss.close()
    httpServer.closeAllConnections()
    await Promise.all([closeServer(tcpServer), closeServer(httpServer)])
  }

  try {
    const boundWs = await listen(httpServer, host, wsPort, 'TABMQ_WS_PORT')
    const boundTcp = await listen(tcpServer, host, tcpPort, 'TABMQ_TCP_PORT')
    if (opts.unref) {
      httpServer.unref()
      tcpServer.unref()
    }
    const urlHost = host.includes(':') ? `[${host}]` : host
    let closing: Promise<void> | undefined
    return {
      wsUrl: `ws://${urlHost}:${boundWs}${wsPath}`,
      tcpUrl: `mqtt://${urlHost}:${boundTcp}`,
      aedes,
      close: () => (closing ??= closeAll()),
    }
  } catch (err) {
    await closeAll()
    throw err
  }
}

function closeServer(server: net.Server | http.Server): Promise<void> {
  if (!server.listening) return Promise.resolve()
  return new Promise((resolve) => server.close(() => resolve()))
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    void promise.finally(() => {
      clearTimeout(timer)
      resolve()
    })
  })
}
