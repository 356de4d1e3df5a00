import http from 'node:http'
import type net from 'node:net'
import type { Aedes, Client } from 'aedes'
import { WebSocketServer, createWebSocketStream, type WebSocket } from 'ws'
import { listen } from '../ports'

/** What an emulator decides about a WebSocket upgrade. */
export type UpgradeVerdict = { accept: true; onOpen?: (ws: WebSocket) => void } | { accept: false; status: number; reason: string }

export interface EmulatorServerOptions {
  aedes: Aedes
  host?: string
  /** Default 0: a free port. */
  port?: number
  /** The environment variable that moves this listener (named in a PortInUseError). */
  envVar: string
  /** Checks each upgrade before it reaches aedes (signature, path). Default: accept. */
  verify?: (req: http.IncomingMessage) => UpgradeVerdict
}

export interface EmulatorServer {
  /** `127.0.0.1:<port>`: what a provider takes as its endpoint or host. */
  hostPort: string
  port: number
  /** The connected aedes clients by client id. */
  clients: Map<string, Client>
  close(): Promise<void>
}

/**
 * An HTTP server whose WebSocket upgrades (subprotocol `mqtt`) an emulator checks first, then
 * pipes to its aedes. Refused upgrades get a plain HTTP status, as cloud gateways answer.
 */
export async function startEmulatorServer(o: EmulatorServerOptions): Promise<EmulatorServer> {
  const host = o.host ?? '127.0.0.1'
  const clients = new Map<string, Client>()
  o.aedes.on('client', c => clients.set(c.id, c))
  o.aedes.on('clientDisconnect', c => clients.get(c.id) === c && clients.delete(c.id))
  const server = http.createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' })
    res.end('MQTT over WebSocket only\n')
  })
  const wss = new WebSocketServer({ noServer: true, handleProtocols: protocols => (protocols.has('mqtt') ? 'mqtt' : protocols.has('mqttv3.1') ? 'mqttv3.1' : false) })
  const sockets = new Set<net.Socket>()
  server.on('connection', s => {
    sockets.add(s)
    s.once('close', () => sockets.delete(s))
  })
  server.on('upgrade', (req, socket: net.Socket, head) => {
    const verdict: UpgradeVerdict = o.verify ? o.verify(req) : { accept: true }
    if (!verdict.accept) {
      const body = `${verdict.reason}\n`
      socket.end(`HTTP/1.1 ${verdict.status} ${http.STATUS_CODES[verdict.status] ?? 'Refused'}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
      return
    }
    wss.handleUpgrade(req, socket, head, ws => {
      ws.on('error', () => ws.terminate())
      verdict.onOpen?.(ws)
      o.aedes.handle(createWebSocketStream(ws), req)
    })
  })
  const port = await listen(server, host, o.port ?? 0, o.envVar)
  server.unref()
  let closing: Promise<void> | undefined
  return {
    hostPort: `${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    clients,
    close: () =>
      (closing ??= (async () => {
        for (const ws of wss.clients) ws.terminate()
        for (const s of sockets) s.destroy()
        await new Promise<void>(resolve => {
          const t = setTimeout(resolve, 2000)
          o.aedes.close(() => (clearTimeout(t), resolve()))
        })
        wss.close()
        await new Promise<void>(resolve => server.close(() => resolve()))
      })()),
  }
}

/** Sends `payload` on `topic` to one client only (responses that share a filter across clients). */
export function deliverTo(client: Client | undefined, topic: string, payload: string | Buffer, qos: 0 | 1 = 0): boolean {
  if (!client || client.closed) return false
  client.publish({ cmd: 'publish', topic, payload: typeof payload === 'string' ? Buffer.from(payload) : payload, qos, retain: false, dup: false } as never, () => {})
  return true
}

/** Where an emulator sends a publish it consumed (a request it answered): a topic nobody can subscribe to. */
export const SINK_TOPIC = '$emulator/consumed'

/** An aedes authenticate refusal with a CONNACK return code. */
export function refuse(message: string, returnCode: 2 | 4 | 5): Error & { returnCode: number } {
  return Object.assign(new Error(message), { returnCode })
}
