import { PubSubError } from '../../errors.js'

/** Credentials that may stop working at `expiration`. */
export interface Expiring {
  expiration?: Date | undefined
}

/** Refresh at most this long before expiry (and at a quarter of a short lifetime). */
const MAX_REFRESH_AHEAD_MS = 5 * 60_000
/** After a failed background refresh, try again this soon (the next connect attempt also tries). */
const RETRY_MS = 5_000

/**
 * Credentials from an app's function, fetched on first use and again ahead of their expiry in
 * the background, so a reconnect never waits on a tab. Only one fetch runs at a time.
 *
 * @example
 * const creds = new RefreshingCredentials(() => calls.call('credentials'), normalise, warn)
 * const { accessKeyId } = await creds.get()
 */
export class RefreshingCredentials<T extends Expiring> {
  private current: { value: T; fetchedAt: number } | undefined
  private inflight: Promise<T> | undefined
  private timer: ReturnType<typeof setTimeout> | undefined
  private disposed = false

  constructor(
    private readonly fetch: () => Promise<unknown>,
    /** Checks and normalises what the function returned; throws a `PubSubError`. */
    private readonly normalise: (raw: unknown) => T,
    private readonly warn: (message: string) => void,
  ) {}

  /** Fresh credentials: the cached ones while they are usable, else newly fetched. */
  get(): Promise<T> {
    if (this.current && this.usable(this.current.value, this.current.fetchedAt)) return Promise.resolve(this.current.value)
    return this.refresh()
  }

  /** Forgets the cached credentials (the server refused them): the next `get()` fetches. */
  invalidate(): void {
    this.current = undefined
  }

  dispose(): void {
    this.disposed = true
    clearTimeout(this.timer)
  }

  private refresh(): Promise<T> {
    this.inflight ??= this.fetch()
      .then(raw => {
        const value = this.normalise(raw)
        this.current = { value, fetchedAt: Date.now() }
        this.schedule(value, this.current.fetchedAt)
        return value
      })
      .finally(() => (this.inflight = undefined))
    return this.inflight
  }

  /** Usable for a handshake: not within the last tenth of its lifetime (at most 30 s) of expiry. */
  private usable(value: T, fetchedAt: number): boolean {
    if (!value.expiration) return true
    const expires = value.expiration.getTime()
    return Date.now() < expires - Math.min(30_000, (expires - fetchedAt) / 10)
  }

  private schedule(value: T, fetchedAt: number): void {
    clearTimeout(this.timer)
    if (this.disposed || !value.expiration) return
    const expires = value.expiration.getTime()
    const ahead = Math.min(MAX_REFRESH_AHEAD_MS, (expires - fetchedAt) / 4)
    const delay = Math.max(0, expires - ahead - Date.now())
    this.timer = setTimeout(() => {
      if (this.disposed) return
      this.refresh().catch((error: unknown) => {
        this.warn(`Refreshing credentials failed (${error instanceof Error ? error.message : String(error)}); retrying.`)
        if (!this.disposed) this.timer = setTimeout(() => void this.refresh().catch(() => {}), RETRY_MS)
      })
    }, delay)
    // Node: a pending refresh must not keep a process alive (browsers ignore this).
    ;(this.timer as { unref?: () => void }).unref?.()
  }
}

/** Reads an `expiration` given as a Date, an ISO string or epoch milliseconds. */
export function toExpiration(value: unknown, what: string): Date | undefined {
  if (value === undefined || value === null) return undefined
  const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined
  if (!date || Number.isNaN(date.getTime())) throw new PubSubError('PROVIDER_ERROR', `${what}: expiration must be a Date (or an ISO date string).`)
  return date
}
