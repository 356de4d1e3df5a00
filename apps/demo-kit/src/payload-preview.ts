const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * A payload as the explorer shows it: text as it is (cut at 120 characters), bytes that are not
 * UTF-8 as hex (the first 32), `(empty)` for none.
 *
 * @example
 * payloadPreview(new Uint8Array([0xff, 0x00])) // 'ff 00'
 */
export function payloadPreview(payload: Uint8Array): string {
  if (payload.length === 0) return '(empty)'
  let text: string
  try {
    text = utf8.decode(payload)
  } catch {
    text = Array.from(payload.subarray(0, 32), b => b.toString(16).padStart(2, '0')).join(' ') + (payload.length > 32 ? ' …' : '')
  }
  return text.length > 120 ? `${text.slice(0, 120)}…` : text
}
