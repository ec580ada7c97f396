// The projector thread's entry (projector-thread.ts): a worker starts without the process's
// preloads, so it compiles its TypeScript itself, once (tools/compile-once.js).
'use strict';
require('../../../tools/compile-once.js');
require('./projector-thread-main.ts');
