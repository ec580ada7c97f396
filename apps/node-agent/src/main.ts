// node-agent --node N [...]: one node's agent (see config.ts for the flags).
// The process starts the agent directly rather than through a Nest application context: that
// context only called startNodeAgent at bootstrap and close at shutdown, and loading it
// (@nestjs/common pulls in the whole of rxjs) cost ~14 MB of the agent's 100 MB RSS budget.
import { parseNodeAgentArgs } from './config';
import { startNodeAgent } from './node-agent';

async function main(): Promise<void> {
  const config = parseNodeAgentArgs(process.argv.slice(2));
  console.log(`${config.name}: configuration ${JSON.stringify(config)}`);
  // Started by `npm start` (or a test) with a pipe on stdin: when the parent goes, so do we.
  if (process.env.KEELSON_EXIT_WITH_PARENT === 'true') process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM')).resume();
  const agent = await startNodeAgent(config);
  // SIGTERM/SIGINT stop the agent (pods keep running, as with a kubelet restart) and exit.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void agent.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop).on('SIGINT', stop);
}

main().catch((e) => {
  console.error(`node-agent: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
