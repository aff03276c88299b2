'use strict'

// The TypeScript types: test/types.ts must compile with `tsc --noEmit --strict`, and each of
// its `@ts-expect-error` lines must be an error of its own (so the check can fail).

const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { test } = require('node:test')

const ts = require('typescript')

const FILE = path.join(__dirname, 'types.ts')
const FLAGS = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext']
const DIRECTIVE = /\/\/ @ts-expect-error\b.*$/

test('test/types.ts compiles with tsc --noEmit --strict', () => {
  const tsc = require.resolve('typescript/bin/tsc')
  const run = spawnSync(process.execPath, [tsc, ...FLAGS, FILE], { encoding: 'utf8' })
  assert.equal(run.status, 0, `tsc failed:\n${run.stdout}${run.stderr}`)
})

test('every @ts-expect-error in test/types.ts marks an error of its own', () => {
  const lines = fs.readFileSync(FILE, 'utf8').split('\n')
  const expected = lines.flatMap((line, i) => (DIRECTIVE.test(line) ? [i + 1] : []))
  assert.ok(expected.length >= 5, `only ${expected.length} @ts-expect-error lines`)
  const unchecked = lines.map((line) => line.replace(DIRECTIVE, '//')).join('\n')
  // A directive on line n (1-based) covers line n + 1, whose 0-based index is n.
  const errorLines = diagnostics(unchecked).map((d) => d.file.getLineAndCharacterOfPosition(d.start).line)
  assert.deepEqual(errorLines, expected)
})

/** The diagnostics of compiling types.ts with `text` as its source, as tsc would. */
function diagnostics(text) {
  const { options } = ts.parseCommandLine(FLAGS)
  const host = ts.createCompilerHost(options)
  const getSourceFile = host.getSourceFile
  host.getSourceFile = (file, language, ...rest) =>
    path.resolve(file) === FILE ? ts.createSourceFile(file, text, language) : getSourceFile(file, language, ...rest)
  return ts.getPreEmitDiagnostics(ts.createProgram([FILE], options, host))
}
