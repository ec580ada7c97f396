// docker-modem loads its ssh transport, and with it ssh2 (tweetnacl, asn1, a 16 MB WebAssembly
// poly1305 module), as soon as dockerode is required, though only an ssh:// DOCKER_HOST uses it.
// The agent talks to Docker over its unix socket, so that is ~3.5 MB of RSS for nothing. This
// puts a stand-in for docker-modem/lib/ssh.js in the module cache that loads the real transport
// on its first use: an ssh:// Docker host still works, it just pays for ssh2 then.
// Must run before anything requires dockerode (boot.js requires it first).
'use strict';
const Module = require('node:module');

const file = require.resolve('docker-modem/lib/ssh.js', { paths: [require.resolve('dockerode')] });
let real;
const stub = new Module(file, module);
stub.filename = file;
stub.loaded = true;
stub.exports = function sshAgent(options) {
  if (!real) {
    delete require.cache[file];
    real = require(file);
  }
  return real(options);
};
require.cache[file] = stub;
