import { Client } from 'pg';
import { freshSchema, isolatedEventLog, natsConnect, pgUrl, testStreamName } from './index';

jest.setTimeout(60_000); // see libs/local/src/local.int.spec.ts

describe('test substrates from globalSetup', () => {
  it('given two test files, when each asks for a schema, then they get different schemas that exist', async () => {
    const [a, b] = [await freshSchema('/x/projector.int.spec.ts'), await freshSchema('/x/projector.int.spec.ts')];
    expect(a).not.toBe(b);
    expect(a).toMatch(/^t_projector_[0-9a-f]{8}$/);
    const c = new Client({ connectionString: pgUrl() });
    await c.connect();
    const rows = (await c.query('SELECT nspname FROM pg_namespace WHERE nspname = ANY($1) ORDER BY 1', [[a, b]])).rows;
    await c.end();
    expect(rows.map((r) => r.nspname)).toEqual([a, b].sort());
  });

  it('given two test files, when each creates its isolated event log, then both streams coexist in one JetStream', async () => {
    const nc = await natsConnect();
    const jsm = await nc.jetstreamManager();
    const logs = [isolatedEventLog(__filename), isolatedEventLog(__filename)];
    for (const { stream, subjectPrefix } of logs) await jsm.streams.add({ name: stream, subjects: [`${subjectPrefix}.>`] });
    const names = (await jsm.streams.names().next()).filter((n) => n.startsWith('KEELSON_T_'));
    await nc.close();
    expect(names).toEqual(expect.arrayContaining(logs.map((l) => l.stream)));
  });

  it('names streams with only the characters JetStream allows', () => {
    expect(testStreamName('/a/b/event-log.int.spec.ts')).toMatch(/^KEELSON_T_EVENT_LOG_[0-9A-F]{8}$/);
  });
});
