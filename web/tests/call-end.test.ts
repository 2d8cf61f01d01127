// describeEnd (src/sip/callEnd.ts) against JsSIP's own cause constants and
// its own status-to-cause table: what the desk says when a call ends.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { C } from 'jssip'
import { describeEnd, ICE_TIMEOUT } from '../src/sip/callEnd'

/** The cause JsSIP's RTCSession gives a failed call with this SIP status (Utils.sipErrorCause). */
function causeOf(status: number): string {
  for (const [name, codes] of Object.entries(C.SIP_ERROR_CAUSES) as [keyof typeof C.causes, readonly number[]][])
    if (codes.includes(status)) return C.causes[name]
  return C.causes.SIP_FAILURE_CODE
}

test('a call ended by either side (BYE) or cancelled says nothing', () => {
  assert.equal(describeEnd(C.causes.BYE, null), null)
  assert.equal(describeEnd(C.causes.CANCELED, null), null)
  assert.equal(describeEnd(C.causes.CANCELED, 487), null)
})

test('480 (an offline extension) is told from 408 (no answer)', () => {
  // FreeSWITCH answers 480 for an extension with no registration and no voicebox.
  assert.equal(causeOf(480), C.causes.UNAVAILABLE)
  assert.equal(describeEnd(causeOf(480), 480), 'Not available right now: the extension is offline.')
  assert.equal(describeEnd(causeOf(408), 408), 'No answer.')
  assert.equal(describeEnd(causeOf(410), 410), 'The number is not available right now.')
})

test('each SIP failure JsSIP names is said for people, not as a raw cause', () => {
  assert.equal(describeEnd(causeOf(486), 486), 'The line is busy.')
  assert.equal(describeEnd(causeOf(600), 600), 'The line is busy.')
  assert.equal(describeEnd(causeOf(603), 603), 'The call was declined.')
  assert.equal(describeEnd(causeOf(403), 403), 'The call was declined.')
  assert.equal(describeEnd(causeOf(404), 404), 'That number cannot be reached from your extension.')
  assert.equal(describeEnd(C.causes.NO_ANSWER, null), 'No answer.')
  assert.equal(describeEnd(C.causes.EXPIRES, null), 'No answer.')
  assert.equal(describeEnd(C.causes.USER_DENIED_MEDIA_ACCESS, null), 'Microphone blocked – allow it in the browser.')
  assert.match(describeEnd(ICE_TIMEOUT, null) ?? '', /ICE gathering timed out/)
})

test('a dropped or silent phone system is a connection failure', () => {
  const dropped = 'The call failed: the connection to the phone system dropped.'
  assert.equal(describeEnd(C.causes.CONNECTION_ERROR, null), dropped)
  assert.equal(describeEnd(C.causes.REQUEST_TIMEOUT, null), dropped)
})

test('anything else names the cause and the status', () => {
  assert.equal(describeEnd(causeOf(488), 488), `The call failed (488 ${C.causes.INCOMPATIBLE_SDP}).`)
  assert.equal(describeEnd(causeOf(500), 500), `The call failed (500 ${C.causes.SIP_FAILURE_CODE}).`)
  assert.equal(describeEnd(C.causes.RTP_TIMEOUT, null), `The call failed (${C.causes.RTP_TIMEOUT}).`)
})
