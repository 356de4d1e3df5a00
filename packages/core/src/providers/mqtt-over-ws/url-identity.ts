/** The identity part of a URL: scheme, host, port and path, never the query or user info (signatures, tokens). */
export function urlIdentity(url: string): string {
  const u = new URL(url)
  return `${u.protocol}//${u.host}${u.pathname}`
}
