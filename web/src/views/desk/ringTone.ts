// The ring tone, made with WebAudio (no sound file): 440 + 480 Hz, two
// seconds on, four off, as a North-American ring-back; and the browser
// notification for a call that rings while the tab is in the background.
const NOTIFY_ASKED = 'agentdesk.desk.notificationsAsked'

export class RingTone {
  private ctx: AudioContext | null = null
  private timer: ReturnType<typeof setInterval> | null = null

  /** volume: the gain, 0.1 for a call; a second call during a call rings softer. */
  constructor(private readonly volume = 0.1) {}

  start(): void {
    if (this.timer) return
    try {
      this.ctx = new AudioContext()
    } catch {
      return
    }
    const burst = () => {
      const ctx = this.ctx
      if (!ctx) return
      const gain = ctx.createGain()
      gain.gain.value = this.volume
      gain.connect(ctx.destination)
      for (const f of [440, 480]) {
        const o = ctx.createOscillator()
        o.frequency.value = f
        o.connect(gain)
        o.start()
        o.stop(ctx.currentTime + 2)
      }
    }
    burst()
    this.timer = setInterval(burst, 6000)
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    void this.ctx?.close().catch(() => {})
    this.ctx = null
  }
}

/** Asks for notification permission once per browser (the answer is the browser's to keep). */
export function askNotificationsOnce(): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'default') return
  if (localStorage.getItem(NOTIFY_ASKED)) return
  localStorage.setItem(NOTIFY_ASKED, '1')
  void Notification.requestPermission().catch(() => {})
}

/** A notification for a ringing call when the tab is hidden; closed by the caller. */
export function notifyIncoming(name: string, number: string): Notification | null {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || !document.hidden) return null
  const n = new Notification('Incoming call', { body: name ? `${name} (${number})` : number, tag: 'agentdesk-call' })
  n.onclick = () => { window.focus(); n.close() }
  return n
}
