import { resolve } from 'node:path';
import { spawnNodeAgent } from '@keelson/node-agent';

// `npm run keelson -- join --node 4`: a node added to the cluster `npm start` runs, as a
// kubelet joins an existing control plane — one more agent in its own namespace
// `keelson-node-4`, talking to the same NATS. It stays in the foreground; Ctrl-C stops the agent
// (its pods' containers stay, as a stopped kubelet leaves them; the node goes NotReady).

export interface JoinOptions {
  dataDir: string;
  natsPort: number;
  node: number;
}

export async function join(o: JoinOptions): Promise<void> {
  const dataDir = resolve(o.dataDir);
  const agent = await spawnNodeAgent({ node: o.node, natsUrl: `nats://127.0.0.1:${o.natsPort}`, stateDir: `${dataDir}/nodes/keelson-node-${o.node}`, log: (l) => console.log(`keelson: ${l}`) });
  console.log(`keelson: keelson-node-${o.node} joined (kubelet port ${agent.port}); Ctrl-C stops it`);
  const stop = () => void agent.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  agent.process.once('exit', (code) => process.exit(code ?? 1));
}
