// The desk header's line for every state (src/views/desk/status.ts).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { callTimer, headerLine, INSECURE_TEXT } from '../src/views/desk/status'
import { initialView } from '../src/sip/softphone'

const ok = { secure: true, mic: 'ok' as const, hasExtension: true, now: 10_000 }

test('the header says what is true, conditions first', () => {
  const v = { ...initialView(), extension: '2000' }
  const say = (patch: object, c: object = {}) => headerLine({ ...v, ...patch }, { ...ok, ...c }).text
  assert.equal(say({ reg: 'connected' }), 'Extension 2000 – Connected')
  for (const reg of ['connecting', 'connecting_fresh', 'registering', 'registering_fresh', 'reauth'])
    assert.equal(say({ reg }), 'Connecting…')
  assert.equal(say({ reg: 'disconnected', retryAt: 14_200 }), 'Disconnected – retrying in 5 s')
  assert.equal(say({ reg: 'refused' }), 'Registration refused')
  assert.equal(say({ reg: 'connected' }, { mic: 'blocked' }), 'Microphone blocked – allow it in the browser')
  assert.equal(say({ reg: 'connected' }, { mic: 'missing' }), 'No microphone found – connect one')
  assert.equal(say({ reg: 'connected' }, { secure: false, mic: 'blocked' }), INSECURE_TEXT)
  assert.match(INSECURE_TEXT, /HTTPS/)
  assert.match(say({ reg: 'elsewhere' }), /another tab/)
})

test('call timer', () => {
  assert.equal(callTimer(null, 5), '0:00')
  assert.equal(callTimer(0, 65_000), '1:05')
  assert.equal(callTimer(0, 3_725_000), '1:02:05')
})
