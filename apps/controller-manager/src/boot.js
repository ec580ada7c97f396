// Starts the controller-manager without loading a TypeScript toolchain into it (tools/compile-once.js).
// Usage: node apps/controller-manager/src/boot.js [--controllers a,b]
'use strict';
require('../../../tools/compile-once.js');
require('./main.ts');
