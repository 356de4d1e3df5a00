/**
 * Runs `fn` before the next paint, or in 16 ms where there are no frames (Node, SSR, workers).
 * Returns the cancel function.
 */
export function nextFrame(fn: () => void): () => void {
  if (typeof requestAnimationFrame === 'function') {
    const id = requestAnimationFrame(fn)
    return () => cancelAnimationFrame(id)
  }
  const id = setTimeout(fn, 16)
  return () => clearTimeout(id)
}
