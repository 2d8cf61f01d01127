// Unit tests of the call-quality verdict (src/sip/quality.ts): thresholds
// and reading a getStats report. Run: npm run test:unit.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { judge, sample } from '../src/sip/quality'

const ok = { packetsReceived: 1000, packetsLost: 0, jitterS: 0.005, rttS: 0.02 }

test('a clean window is fine; the first sample judges jitter and RTT only', () => {
  assert.deepEqual(judge(null, { ...ok, packetsLost: 900 }), { poor: false, reasons: [] })
  assert.deepEqual(judge(ok, { ...ok, packetsReceived: 1100, packetsLost: 5 }), { poor: false, reasons: [] })
})

test('past each threshold: loss over the window, jitter, round trip', () => {
  assert.deepEqual(judge(ok, { ...ok, packetsReceived: 1090, packetsLost: 10 }).reasons, ['10% packet loss'])
  assert.deepEqual(judge(ok, { ...ok, packetsReceived: 1100, jitterS: 0.045 }).reasons, ['45 ms jitter'])
  assert.deepEqual(judge(ok, { ...ok, packetsReceived: 1100, rttS: 0.4 }).reasons, ['400 ms round trip'])
  assert.equal(judge(ok, { ...ok, packetsReceived: 1100, jitterS: 0.03, rttS: 0.3 }).poor, false) // at, not past
})

test('a getStats report: audio inbound-rtp, remote-inbound RTT, else the nominated pair', () => {
  const s = sample([
    { type: 'inbound-rtp', kind: 'audio', packetsReceived: 500, packetsLost: 7, jitter: 0.012 },
    { type: 'inbound-rtp', kind: 'video', packetsReceived: 9999, packetsLost: 999 },
    { type: 'candidate-pair', nominated: true, currentRoundTripTime: 0.05 },
  ])
  assert.deepEqual(s, { packetsReceived: 500, packetsLost: 7, jitterS: 0.012, rttS: 0.05 })
  assert.equal(sample([{ type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.2 },
                       { type: 'candidate-pair', nominated: true, currentRoundTripTime: 0.05 }]).rttS, 0.2)
})
