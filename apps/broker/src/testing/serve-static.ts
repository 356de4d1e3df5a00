import { existsSync, readFileSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
}

/** A static file server of {@link serveStatic}. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>` */
  origin: string
  /** Paths requested so far, in order (which worker file a page loaded shows here). */
  requests: string[]
  /** Stops it, cutting open connections. */
  close(): Promise<void>
}

export interface ServeOptions {
  /**
   * Serves other bytes for some paths (a mutated worker bundle in place of the built one): return
   * the body for `path`, or undefined to serve the file.
   */
  override?: (path: string) => string | undefined
}

/**
 * Serves the built site in `dir` on 127.0.0.1 at a free port, uncached: pages and their workers
 * share its origin (a SharedWorker must be same-origin). A folder serves its index.html; a path
 * out of `dir` gets 403. It does not keep the process alive.
 *
 * @example
 * const server = await serveStatic(join(appDir, 'dist'))
 * await page.goto(`${server.origin}/`)
 * await server.close()
 */
export async function serveStatic(dir: string, options: ServeOptions = {}): Promise<StaticServer> {
  const requests: string[] = []
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    requests.push(path)
    const headers = (file: string) => ({ 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' })
    const replaced = options.override?.(path)
    if (replaced !== undefined) return void res.writeHead(200, headers(path)).end(replaced)
    let file = normalize(join(dir, path))
    if (!file.startsWith(dir + sep) && file !== dir) return void res.writeHead(403).end()
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html')
    if (!existsSync(file)) return void res.writeHead(404).end('not found')
    res.writeHead(200, headers(file))
    res.end(readFileSync(file))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  server.unref()
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
