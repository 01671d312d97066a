#!/usr/bin/env node
// Reads vitest's JSON report (both projects in one run) and prints the closing line CI is judged by:
// `N passed, N failed` (`, N skipped` when any). Exits 1 when a test failed or the report is unusable.
import { readFileSync } from 'node:fs'

const file = process.argv[2] ?? '.vitest-results/results.json'
let report
try {
  report = JSON.parse(readFileSync(file, 'utf8'))
} catch (error) {
  console.error(`test-summary: cannot read vitest JSON report ${file}: ${error.message}`)
  console.log('0 passed, 1 failed')
  process.exit(1)
}
let passed = 0
let failed = 0
let skipped = 0
for (const suite of report.testResults ?? []) {
  for (const test of suite.assertionResults ?? []) {
    if (test.status === 'passed') passed++
    else if (test.status === 'failed') failed++
    else skipped++
  }
  // A file that failed to load has no assertions but must count as a failure.
  if (suite.status === 'failed' && (suite.assertionResults ?? []).every((t) => t.status !== 'failed')) {
    console.error(`test-summary: ${suite.name} failed: ${(suite.message ?? '').split('\n')[0]}`)
    failed++
  }
}
if (passed + failed === 0) {
  console.error('test-summary: the report holds no tests')
  failed = 1
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed > 0 ? 1 : 0)
