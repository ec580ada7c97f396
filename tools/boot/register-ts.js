// Lets a long-running component (node agent, controller-manager) load TypeScript without a
// TypeScript toolchain resident in it. `-r @swc-node/register` keeps swc's native compiler and
// the `typescript` package resident (~120 MB of RSS); this hook compiles each .ts file with
// @swc/core only on a cache miss and keeps the result under node_modules/.cache, so a warm
// start loads plain JavaScript and nothing else. Used by each app's boot.js.
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const CACHE = process.env.KEELSON_TS_CACHE || path.join(ROOT, 'node_modules/.cache/keelson-ts');
const OPTIONS = {
  jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022', keepClassNames: true },
  module: { type: 'commonjs' },
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
