/**
 * A short, one-way stand-in for an identifier that belongs in a connection key but not in stats or
 * logs (an access key id, a user name): distinct identities get distinct keys, nothing readable.
 *
 * @example
 * await fingerprint('AKIAIOSFODNN7EXAMPLE') // 'k:3f1c0a9b2e7d'
 */
export async function fingerprint(value: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value)))
  return 'k:' + Array.from(digest.slice(0, 6), b => b.toString(16).padStart(2, '0')).join('')
}
