// Reads {"doc": ..., "patch": [...]} on stdin, applies the patch with fast-json-patch (validating every
// operation, never mutating in place) and prints the patched document. Exit 1 with the error on stderr
// when the patch does not apply: the test then fails with fast-json-patch's own words.
'use strict';
const jsonpatch = require('fast-json-patch');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', chunk => { input += chunk; });
process.stdin.on('end', () => {
  try {
    const { doc, patch } = JSON.parse(input);
    const result = jsonpatch.applyPatch(doc, patch, /* validateOperation */ true, /* mutateDocument */ false);
    process.stdout.write(JSON.stringify(result.newDocument));
  } catch (error) {
    process.stderr.write(`${error.name}: ${error.message}\n`);
    process.exit(1);
  }
});
