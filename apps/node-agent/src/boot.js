// Starts the node agent without loading a TypeScript toolchain into it (see tools/boot/register-ts.js).
// Usage: node apps/node-agent/src/boot.js [node-agent flags]
'use strict';
require('../../../tools/boot/register-ts');
require('./main.ts');
