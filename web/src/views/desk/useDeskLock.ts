// One desk per agent per browser (sip/deskLock.ts): the tab that claims the
// lock runs the phone; another tab sees "open in another tab" and may take
// it over. Without BroadcastChannel there is no lock and the phone just runs.
import { DeskLock, deskChannel, type LockState } from '../../sip/deskLock'
import { useSessionStore } from '../../stores/session'

export function useDeskLock(onLock: (s: LockState) => Promise<void> | void) {
  const session = useSessionStore()
  let lock: DeskLock | null = null

  return {
    /** Claims the desk (the phone starts from onLock), or runs `unlocked` where no lock exists. */
    claim(unlocked: () => void): void {
      const ch = session.user ? deskChannel(session.user.id) : null
      if (!ch) return unlocked()
      lock = new DeskLock(ch, onLock)
      lock.claim()
    },
    /** Whether a lock was claimed (and not closed since). */
    get claimed(): boolean { return lock !== null },
    get elsewhere(): boolean { return lock?.state === 'elsewhere' },
    /** "Use the desk here": take it from the other tab. */
    take(): void { lock?.take() },
    close(): void {
      lock?.close()
      lock = null
    },
  }
}
