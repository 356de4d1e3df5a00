import { PubSubError } from './errors.js'

/**
 * Rejects with TIMEOUT if `promise` has not settled within `ms`: a dead worker never answers.
 *
 * @example
 * await withTimeout(api.stats(), 15_000, 'getStats')
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new PubSubError('TIMEOUT', `${what} did not complete within ${ms} ms.`)), ms)
    promise.then(
      value => {
        clearTimeout(timer)
        resolve(value)
      },
      error => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}
