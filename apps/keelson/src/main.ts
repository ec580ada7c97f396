import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { start, startDefaults } from './start';
import { replay } from './replay';
import { join } from './join';
import { snapshot } from './snapshot';

// keelson <command> [flags]
//   start   run a whole cluster here (what `npm start` runs)
//   join    one more node agent for a running cluster (a node added later)
//   replay    rebuild the projection from the log into a fresh schema and compare it with the live one
//   snapshot  compact the log into a snapshot that replays start from

const USAGE = `usage: keelson <start|join|replay|snapshot> [flags]
  start  [--data-dir .keelson] [--api-port 6443] [--nats-port 14222] [--pg-port 15432] [--nodes 2] [--snapshot-every 600]
  join   --node N [--data-dir .keelson] [--nats-port 14222]
  replay [--data-dir .keelson] [--to-seq N | --to-time RFC3339] [--from-start] [--schema NAME] [--keep] [--nats-url URL] [--pg-url URL]
  snapshot [--to-seq N] [--keep-snapshots 3] [--every SECONDS] [--list] [--nats-port 14222 | --nats-url URL]`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const d = startDefaults();
  const { values } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string', default: d.dataDir },
      'api-port': { type: 'string', default: String(d.apiPort) },
      'nats-port': { type: 'string', default: String(d.natsPort) },
      'pg-port': { type: 'string', default: String(d.pgPort) },
      nodes: { type: 'string', default: String(d.nodes) },
      'snapshot-every': { type: 'string', default: String(d.snapshotEvery) },
      node: { type: 'string' },
      'to-seq': { type: 'string' },
      'to-time': { type: 'string' },
      schema: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'from-start': { type: 'boolean', default: false },
      'keep-snapshots': { type: 'string', default: '3' },
      every: { type: 'string' },
      list: { type: 'boolean', default: false },
      'nats-url': { type: 'string' },
      'pg-url': { type: 'string' },
    },
    strict: true,
  });
  const int = (name: keyof typeof values) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
    return n;
  };
  switch (command) {
    case 'start':
      return start({ dataDir: values['data-dir'] as string, apiPort: int('api-port'), natsPort: int('nats-port'), pgPort: int('pg-port'), nodes: int('nodes'), snapshotEvery: int('snapshot-every') });
    case 'join':
      if (values.node === undefined) throw new Error('join needs --node N (1–253, not a node already running)');
      return join({ dataDir: values['data-dir'] as string, natsPort: int('nats-port'), node: int('node') });
    case 'replay': {
      const code = await replay({
        natsUrl: (values['nats-url'] as string | undefined) ?? `nats://127.0.0.1:${int('nats-port')}`,
        pgUrl: (values['pg-url'] as string | undefined) ?? `postgres://keelson@127.0.0.1:${int('pg-port')}/keelson`,
        toSeq: values['to-seq'] ? int('to-seq') : undefined,
        toTime: values['to-time'] ? new Date(values['to-time'] as string) : undefined,
        schema: values.schema as string | undefined,
        keep: values.keep as boolean,
        fromStart: values['from-start'] as boolean,
      });
      process.exit(code);
    }
    // eslint-disable-next-line no-fallthrough
    case 'snapshot':
      return snapshot({
        natsUrl: (values['nats-url'] as string | undefined) ?? `nats://127.0.0.1:${int('nats-port')}`,
        toSeq: values['to-seq'] ? int('to-seq') : undefined,
        keep: int('keep-snapshots'),
        every: values.every ? int('every') : undefined,
        list: values.list as boolean,
      });
    // eslint-disable-next-line no-fallthrough
    default:
      console.error(USAGE);
      process.exit(2);
  }
}

main(process.argv.slice(2)).catch((e) => {
  console.error(`keelson: ${(e as Error).message}`);
  process.exit(1);
});
