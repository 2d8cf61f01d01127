// Hands each live message to the views that asked for it: handlers by
// event type (their `data` typed as the catalogue says), for `reload`
// (the stream had a gap: load the lists again) and for `end`. A handler
// that throws does not keep the others from their message.
import type { LiveData, LiveEventOf, LiveMessage, LiveType } from './types'

type Handler<T extends LiveType> = (event: LiveEventOf<T>) => void
export type LiveHandlers = { [T in LiveType]?: Handler<T> } & { reload?: () => void; end?: () => void }

export class Dispatcher {
  private readonly subs = new Set<LiveHandlers>()

  /** Adds handlers; the function returned removes them. */
  on(h: LiveHandlers): () => void {
    this.subs.add(h)
    return () => { this.subs.delete(h) }
  }

  get size(): number { return this.subs.size }

  dispatch(m: LiveMessage): void {
    for (const h of [...this.subs]) {
      try {
        if (m.kind === 'event') (h[m.event.type] as Handler<keyof LiveData> | undefined)?.(m.event as LiveEventOf<keyof LiveData>)
        else if (m.kind === 'reload') h.reload?.()
        else h.end?.()
      } catch (e) {
        console.warn('live event handler', e)
      }
    }
  }
}
