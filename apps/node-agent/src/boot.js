// Starts the node agent without loading a TypeScript toolchain into it (tools/compile-once.js:
// each .ts file compiled once with @swc/core and cached, so a warm start loads plain JavaScript).
// Usage: node apps/node-agent/src/boot.js [node-agent flags]
'use strict';
require('../../../tools/compile-once.js');
require('./lazy-docker-ssh.js');
require('./main.ts');
