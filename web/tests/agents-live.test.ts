// What live events change in the agents the portal shows (views/portal/agentsLive.ts)
// and the registration's words (components/registration.ts).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { patchRows, provisioningPatch, registrationPatch } from '../src/views/portal/agentsLive'
import { agentRegistration, extensionRegistration } from '../src/components/registration'
import type { ExtensionSummary } from '../src/api/types'

function ext(id: number, registered: boolean | null): ExtensionSummary {
  return { id, extension: String(1000 + id), status: 'active', voicemail_enabled: false, provisioning: 'pending',
           provisioning_attempts: 0, provisioning_error: null, registered, registration: null, last_registered_at: null }
}

const rows = [
  { id: 1, extensions: [ext(11, false)] },
  { id: 2, extensions: [ext(21, null), ext(22, false)] },
]

test('registration.changed patches its extension in a new array, leaving the rest as they were', () => {
  const reg = { node: '127.0.0.1:8021', contact: 'sip:1021@127.0.0.1', network_ip: '127.0.0.1', network_port: 5070,
                user_agent: 'sipp', expires_at: '2026-12-07T00:00:00Z' }
  const next = patchRows(rows, 2, 22, registrationPatch({ extension_id: 22, extension: '1022', agent_id: 2, registered: true,
                                                          registration: reg, last_registered_at: '2026-12-06T23:00:00Z' }))
  assert.ok(next)
  assert.notEqual(next, rows)
  assert.equal(next[0], rows[0], 'other rows are the same objects')
  assert.deepEqual(next[1].extensions.map((x) => x.registered), [null, true])
  assert.equal(next[1].extensions[1].registration?.user_agent, 'sipp')
  assert.equal(next[1].extensions[1].last_registered_at, '2026-12-06T23:00:00Z')
  assert.equal(rows[1].extensions[1].registered, false, 'the old rows are not changed')
  // The agents' stream carries no registration detail: what is known stays.
  const plain = patchRows(next, 2, 22, registrationPatch({ extension_id: 22, extension: '1022', agent_id: 2, registered: false }))
  assert.equal(plain![1].extensions[1].registered, false)
  assert.equal(plain![1].extensions[1].last_registered_at, '2026-12-06T23:00:00Z')
})

test('an event about what is not shown changes nothing', () => {
  assert.equal(patchRows(rows, 3, 31, { registered: true }), null)
  assert.equal(patchRows(rows, 1, 22, { registered: true }), null, 'the extension is not that agent\'s')
  // A free extension (agent_id null) is found by its id.
  assert.ok(patchRows(rows, null, 11, { registered: true }))
})

test('extension.provisioning patches state, attempts and error', () => {
  const next = patchRows(rows, 1, 11, provisioningPatch({ extension_id: 11, extension: '1011', agent_id: 1, provisioning: 'failed',
                                                          provisioning_attempts: 3, provisioning_error: 'ESL refused' }))
  assert.deepEqual([next![0].extensions[0].provisioning, next![0].extensions[0].provisioning_attempts, next![0].extensions[0].provisioning_error],
                   ['failed', 3, 'ESL refused'])
})

test('registration words: registered, not, unknown (null), and an agent\'s several extensions', () => {
  assert.deepEqual(extensionRegistration({ registered: true }), { state: 'registered', text: 'Registered' })
  assert.deepEqual(extensionRegistration({ registered: false }), { state: 'unregistered', text: 'Not registered' })
  assert.deepEqual(extensionRegistration({ registered: null }), { state: 'unknown', text: 'Unknown' })
  assert.deepEqual(extensionRegistration({}), { state: 'unknown', text: 'Unknown' })
  assert.equal(agentRegistration([]), null)
  assert.equal(agentRegistration([{ registered: null }, { registered: null }])!.text, 'Unknown')
  assert.equal(agentRegistration([{ registered: true }, { registered: true }])!.text, 'Registered')
  assert.equal(agentRegistration([{ registered: false }, { registered: false }])!.text, 'Not registered')
  assert.equal(agentRegistration([{ registered: true }, { registered: false }])!.text, '1 of 2 registered')
  assert.equal(agentRegistration([{ registered: true }, { registered: null }])!.text, '1 of 2 registered')
  assert.equal(agentRegistration([{ registered: false }, { registered: null }])!.state, 'partly')
})
