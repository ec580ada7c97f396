// Starts the controller-manager without loading a TypeScript toolchain into it (see tools/boot/register-ts.js).
// Usage: node apps/controller-manager/src/boot.js [--controllers a,b]
'use strict';
require('../../../tools/boot/register-ts');
require('./main.ts');
