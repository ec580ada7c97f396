// Runs TypeScript without loading a TypeScript toolchain into the process. `-r @swc-node/register`
// keeps swc's native compiler and the `typescript` package resident (~100 MB of RSS); this hook
// compiles each .ts file with @swc/core only on a cache miss and keeps the result under
// node_modules/.cache, so a warm start loads plain JavaScript and nothing else.
// Usage: node tools/compile-once.js <entry.ts> [args…]   or   node -r ./tools/compile-once.js <entry.ts>
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const CACHE = process.env.KEELSON_TS_CACHE || path.join(ROOT, 'node_modules/.cache/keelson-ts');
const OPTIONS = {
  jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022', keepClassNames: true },
  module: { type: 'commonjs' },
  // Inline source maps on request (the benchmark's profiles name TypeScript lines through them);
  // otherwise none, as V8 keeps every module's source text resident.
  ...(process.env.KEELSON_TS_SOURCE_MAPS ? { sourceMaps: 'inline' } : {}),
};
const VERSION = JSON.stringify(OPTIONS);
let swc;

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const key = createHash('sha1').update(VERSION).update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(CACHE, `${key}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, 'utf8');
  } catch {
    swc = swc || require('@swc/core');
    code = swc.transformSync(source, { ...OPTIONS, filename }).code;
    fs.mkdirSync(CACHE, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, cached);
  }
  module._compile(code, filename);
};

if (require.main === module) {
  const entry = path.resolve(process.argv[2]);
  process.argv.splice(1, 2, entry);
  require(entry);
}
