// Starts the node agent without loading a TypeScript toolchain into it (tools/boot/compile-once.js).
// Usage: node apps/node-agent/src/boot.js [node-agent flags]
'use strict';
require('../../../tools/boot/compile-once');
require('./main.ts');
