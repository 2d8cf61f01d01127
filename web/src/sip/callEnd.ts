// Why a call ended, said for people. The causes are JsSIP's own constants
// (C.causes: what RTCSession's 'ended' and 'failed' events carry) plus the
// one jssipUa.ts adds, so a misspelt cause cannot silently fall through to
// "The call failed (…)". JsSIP folds SIP statuses into causes
// (C.SIP_ERROR_CAUSES): 480, 408, 410 and 430 all arrive as Unavailable,
// so the status tells an offline extension (480: FreeSWITCH's answer for
// one with no registration and no voicebox, and what a desk declines a
// stray INVITE with) from an unanswered call (408).
import { C } from 'jssip'

/** Ours, not JsSIP's: ICE gathering found no candidate in time (jssipUa.ts). */
export const ICE_TIMEOUT = 'ice_timeout'

const causes = C.causes

/** A failed or ended call, for people; null when it ended normally. */
export function describeEnd(cause: string, status: number | null): string | null {
  switch (cause) {
    case causes.BYE: case causes.CANCELED: return null
    case causes.BUSY: return 'The line is busy.'
    case causes.REJECTED: return 'The call was declined.'
    case causes.NOT_FOUND: return 'That number cannot be reached from your extension.'
    case causes.UNAVAILABLE:
      if (status === 480) return 'Not available right now: the extension is offline.'
      if (status === 408) return 'No answer.'
      return 'The number is not available right now.'
    case causes.NO_ANSWER: case causes.EXPIRES: return 'No answer.'
    case causes.USER_DENIED_MEDIA_ACCESS: return 'Microphone blocked – allow it in the browser.'
    case ICE_TIMEOUT: return 'The call could not start: no network path for the audio (ICE gathering timed out).'
    // No answer from the phone system itself (a transaction timed out), or its socket dropped.
    case causes.CONNECTION_ERROR: case causes.REQUEST_TIMEOUT:
      return 'The call failed: the connection to the phone system dropped.'
    default: return `The call failed (${status ? `${status} ` : ''}${cause}).`
  }
}
