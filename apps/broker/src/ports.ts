import net from 'node:net'

/** Thrown when a listener cannot bind because its port is taken. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError'
  readonly code = 'EADDRINUSE'
  constructor(
    readonly host: string,
    readonly port: number,
    /** The environment variable that moves this listener elsewhere. */
    readonly envVar: string,
  ) {
    super(`Port ${port} on ${host} is in use: stop the other broker or set ${envVar}`)
  }
}

/**
 * Listens on `host:port` and resolves with the bound port (useful with 0).
 * A taken port rejects with a {@link PortInUseError} naming `envVar`.
 */
export function listen(server: net.Server, host: string, port: number, envVar: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(host, port, envVar) : err)
    }
    const onListening = () => {
      server.off('error', onError)
      const addr = server.address()
      resolve(typeof addr === 'object' && addr ? addr.port : port)
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(port, host)
  })
}

/**
 * Asks the OS for a free TCP port on `host` (bind to 0, read it, close).
 * Another process may take it before you bind it: retry on EADDRINUSE.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer()
  const port = await listen(server, host, 0, 'a different port')
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Resolves once a TCP connection to `host:port` succeeds, polling until `timeoutMs`. */
export async function waitForPort(host: string, port: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, host)
      socket.once('connect', () => { socket.destroy(); resolve(true) })
      socket.once('error', () => { socket.destroy(); resolve(false) })
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`Nothing accepts connections on ${host}:${port} after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
