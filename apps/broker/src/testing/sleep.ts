/**
 * Resolves after `ms`. For a test that checks something does *not* happen within a while; to wait
 * for something that does, poll it with a deadline (`broker.waitFor`) instead.
 *
 * @example
 * await sleep(100)
 * expect(unsubscribeCount(broker, 'a/b')).toBe(0)
 */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
