import { expect } from 'vitest'
import { PubSubError } from '../../src/errors'
import type { PubSubErrorCode } from '../../src/errors'

/** Runs `fn`, expects it to throw a `PubSubError` with `code`, returns the error. */
export function thrown(fn: () => unknown, code: PubSubErrorCode): PubSubError {
  let error: unknown
  try {
    fn()
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(PubSubError)
  const e = error as PubSubError
  expect(e.code).toBe(code)
  return e
}
