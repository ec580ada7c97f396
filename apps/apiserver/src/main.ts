// The apiserver on its own, configured from the environment (see config.ts).
import { apiServerConfig } from './config';
import { startApiServer } from './server';

startApiServer(apiServerConfig())
  .then((s) => {
    // Standalone, the apiserver owns the process: stop on TERM/INT only (not on SIGUSR2 and friends, which profilers use).
    s.app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
    console.log(`keelson apiserver listening on ${s.url}`);
  })
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
