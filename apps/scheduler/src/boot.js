// Starts the scheduler without loading a TypeScript toolchain into it (tools/compile-once.js):
// it holds every Node and Pod of the cluster, so its memory is worth keeping to that.
// Usage: node apps/scheduler/src/boot.js [--config file.yaml]
'use strict';
require('../../../tools/compile-once.js');
require('./main.ts');
