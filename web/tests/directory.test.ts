// The colleagues' search and presence labels (src/views/desk/directory.ts).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { matches, PRESENCE_LABEL } from '../src/views/desk/directory'
import type { Colleague } from '../src/api/types'

const ada: Colleague = { agent_id: 1, first_name: 'Ada', last_name: 'Lovelace', role: 'agent', extensions: ['2001', '2042'], presence: 'available' }

test('the search matches every word in the name or an extension', () => {
  assert.ok(matches(ada, ''))
  assert.ok(matches(ada, 'ada'))
  assert.ok(matches(ada, 'LOVE'))
  assert.ok(matches(ada, 'ada lovelace'))
  assert.ok(matches(ada, '204'))
  assert.ok(matches(ada, ' 2001 '))
  assert.ok(!matches(ada, '3001'))
  assert.ok(!matches(ada, 'ada byron'))
  assert.ok(!matches(ada, '01'))            // an extension matches from its start
})

test('every presence has its label', () => {
  assert.deepEqual(Object.values(PRESENCE_LABEL), ['Offline', 'Available', 'On break', 'On a call'])
})
