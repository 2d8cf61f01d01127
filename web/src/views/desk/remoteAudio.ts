// The current call's remote audio in the desk's one <audio> element: the
// peer connection's receivers' tracks now, and again whenever it adds a
// track (a renegotiation, an unhold). One 'track' listener per peer
// connection, removed when the call ends or another call's connection
// takes its place, so listeners do not pile up over a call's state changes.
// In a three-way call the element plays the mixer's `ear` (both parties).
export class RemoteAudio {
  private pc: RTCPeerConnection | null = null
  private el: HTMLMediaElement | null = null

  private readonly attach = (): void => {
    if (this.pc && this.el) this.el.srcObject = new MediaStream(this.pc.getReceivers().map((r) => r.track))
  }

  /** Plays pc's audio in el (again, if it already does). */
  follow(pc: RTCPeerConnection, el: HTMLMediaElement): void {
    if (pc !== this.pc || el !== this.el) {
      this.stop()
      this.pc = pc
      this.el = el
      pc.addEventListener('track', this.attach)
    }
    this.attach()
  }

  /** Plays stream (a three-way call's mix of both parties) in el instead of a connection's tracks. */
  play(stream: MediaStream, el: HTMLMediaElement): void {
    this.stop()
    el.srcObject = stream
  }

  /** The call ended: stop listening to its connection. */
  stop(): void {
    this.pc?.removeEventListener('track', this.attach)
    this.pc = null
    this.el = null
  }
}
