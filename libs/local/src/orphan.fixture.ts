// Run by local.int.spec.ts as a separate process that starts both substrates and is then
// killed with SIGKILL, to prove that the next start recovers. Not part of the library.
import { startNats, startPostgres } from './index';

async function main(): Promise<void> {
  const [dir, natsPort, pgPort] = process.argv.slice(2);
  const [nats, pg] = await Promise.all([
    startNats({ dataDir: `${dir}/nats`, port: Number(natsPort) }),
    startPostgres({ dataDir: `${dir}/postgres`, port: Number(pgPort) }),
  ]);
  process.stdout.write(`${JSON.stringify({ natsPid: nats.pid, pgPid: pg.pid })}\n`);
  setInterval(() => undefined, 60_000); // stay up until killed
}

main().catch((err) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
