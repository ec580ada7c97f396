// The apiserver on its own, configured from the environment (see config.ts).
import { apiServerConfig } from './config';
import { startApiServer } from './server';

startApiServer(apiServerConfig())
  .then((s) => console.log(`keelson apiserver listening on ${s.url}`))
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
