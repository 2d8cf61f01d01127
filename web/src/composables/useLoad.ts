// The loading / error / load() of a page that shows what the API answers,
// the same on every page (with LoadState.vue for what the user sees):
// the spinner only until the first answer (a reload keeps what is shown,
// reset() forgets it), errors said for people, and only the newest
// request's answer applied, so a slow old answer cannot overwrite a newer
// one (filters typed quickly, a tenant switched mid-request).
import { ref } from 'vue'
import { errorMessage } from '../api/client'

export interface LoadOptions {
  /** Nothing to ask now (a superadmin who has not chosen a tenant): not loading, no error. */
  skip?: () => boolean
  /** An error the page shows its own way (an agent not found): true when it did. */
  handle?: (e: unknown) => boolean
}

export function useLoad<T>(fetch: () => Promise<T>, apply: (answer: T) => void, opts: LoadOptions = {}) {
  const loading = ref(true)
  const error = ref<string | null>(null)
  let loaded = false
  let seq = 0

  /** Applies the answer of this request, already on its way (or of a new one). */
  async function loadFrom(sent: Promise<T> | null): Promise<void> {
    if (opts.skip?.()) { loading.value = false; return }
    const mine = ++seq
    loading.value = !loaded
    error.value = null
    try {
      const answer = await (sent ?? fetch())
      if (mine !== seq) return
      apply(answer)
      loaded = true
    } catch (e) {
      if (mine !== seq) return
      if (!opts.handle?.(e)) error.value = errorMessage(e)
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  return {
    loading,
    error,
    /** Asks again (no argument: usable as an event handler). */
    load: (): Promise<void> => loadFrom(null),
    loadFrom,
    /** What is shown belongs to something else now (another tenant, another agent): the next load shows the spinner. */
    reset: (): void => { loaded = false },
  }
}
