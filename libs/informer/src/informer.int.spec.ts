import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { StatusError } from '@keelson/apimachinery';
import { apiServerConfig, startApiServer, type RunningApiServer } from '@keelson/apiserver-app';
import { EventLog } from '@keelson/eventlog';
import { freePort, startNats, type RunningSubstrate } from '@keelson/local';
import { freshSchema, pgUrl } from '@keelson/testing';
import { dropSchemaIfExists } from '@keelson/testing/schemas';
import { ApiClient, objectPath } from './client';
import { Informer, type InformerEvent } from './informer';
import { LeaderElector } from './leader';

// This file runs its own nats-server: the internal API's subject (keelson.api.request) is
// the same for every apiserver, so a shared NATS would let another file's server answer.

const until = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};
const pod = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
const podsPath = (name?: string, sub?: string) => objectPath('', 'v1', 'pods', 'default', name, sub);

describe('informers, the internal API client and leader election', () => {
  let dir: string;
  let nats: RunningSubstrate;
  let api: RunningApiServer;
  let schema: string;
  let client: ApiClient;
  let log: EventLog;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keelson-informer-'));
    nats = await startNats({ dataDir: join(dir, 'nats'), port: await freePort() });
    schema = await freshSchema(__filename);
    api = await startApiServer(apiServerConfig({ natsUrl: nats.url, pgUrl: pgUrl(), port: await freePort(), schema, secretKeyFile: join(dir, 'key'), internalApi: true }, {}));
    client = await ApiClient.connect(nats.url, 'controller:test');
    log = await EventLog.connect({ servers: nats.url });
  });
  afterAll(async () => {
    await client?.close();
    await log?.close();
    await api?.close();
    await nats?.stop();
    await dropSchemaIfExists(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes through the apiserver over NATS, recording actor and cause', async () => {
    const created = await client.create(podsPath(), pod('a'), { cause: 3 });
    expect(created.metadata.uid).toBeTruthy();
    const entry = await log.last({ group: '', plural: 'pods', namespace: 'default', name: 'a' });
    expect(entry).toMatchObject({ type: 'Created', actor: 'controller:test', cause: 3 });
    const patched = await client.patch(podsPath('a'), { metadata: { labels: { x: 'y' } } });
    expect(patched.metadata.labels).toEqual({ x: 'y' });
  });

  it('answers bad requests with a Status, as HTTP does', async () => {
    await expect(client.create(podsPath(), pod('a'))).rejects.toMatchObject({ code: 409, reason: 'AlreadyExists' });
    await expect(client.create(podsPath(), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bad' }, spec: { containers: [] } })).rejects.toBeInstanceOf(StatusError);
    await expect(client.get(podsPath('missing'))).rejects.toMatchObject({ code: 404 });
  });

  it('with batching, sends the binds of one turn in one message and answers each on its own', async () => {
    const batching = await ApiClient.connect(nats.url, 'system:kube-scheduler', { batch: true });
    const batches: number[] = [];
    const sub = log.nc.subscribe('keelson.api.batch', { callback: (_e, m) => batches.push((JSON.parse(new TextDecoder().decode(m.data)) as { data: unknown[] }).data.length) });
    try {
      for (const name of ['bind-1', 'bind-2', 'bind-3']) await client.create(podsPath(), pod(name));
      const binding = (name: string, node: string) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: node } });
      const results = await Promise.allSettled([
        batching.create(podsPath('bind-1', 'binding'), binding('bind-1', 'n1'), { cause: 7 }),
        batching.create(podsPath('bind-2', 'binding'), binding('bind-2', 'n2')),
        batching.create(podsPath('no-such-pod', 'binding'), binding('no-such-pod', 'n1')),
        batching.create(podsPath('bind-3', 'binding'), binding('bind-3', 'n1')),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 404 });
      expect(batches).toEqual([4]);
      const bound = await Promise.all(['bind-1', 'bind-2', 'bind-3'].map((n) => client.get(podsPath(n))));
      expect(bound.map((p) => (p.spec as { nodeName?: string }).nodeName)).toEqual(['n1', 'n2', 'n1']);
      expect(await log.last({ group: '', plural: 'pods', namespace: 'default', name: 'bind-1' })).toMatchObject({ type: 'Bound', actor: 'system:kube-scheduler', cause: 7 });
    } finally {
      sub.unsubscribe();
      await batching.close();
      // bound pods go at once with grace 0 (no node agent here to confirm a graceful delete)
      await Promise.all(['bind-1', 'bind-2', 'bind-3'].map((n) => client.delete(podsPath(n), { gracePeriodSeconds: 0 }).catch(() => undefined)));
    }
  });

  it('syncs the current state from the log, without deleted objects, then follows changes', async () => {
    await client.create(podsPath(), pod('b'));
    await client.create(podsPath(), pod('gone'));
    await client.delete(podsPath('gone'));
    const informer = new Informer(log, '', 'pods');
    const events: InformerEvent[] = [];
    informer.on((e) => events.push(e));
    await informer.start();
    await informer.synced;
    expect(informer.list().map((p) => p.metadata.name).sort()).toEqual(['a', 'b']);
    await client.create(podsPath(), pod('c'));
    await client.delete(podsPath('b'));
    await until(() => informer.get('default/c') !== undefined && informer.get('default/b') === undefined);
    expect(events.filter((e) => e.type !== 'add' || e.key === 'default/c').map((e) => `${e.type} ${e.key}`)).toEqual(['add default/c', 'delete default/b']);
    expect(informer.get('default/c')!.metadata.resourceVersion).toBe(String(events.find((e) => e.key === 'default/c')!.seq));
    await informer.stop();
  });

  it('keeps objects without their managedFields when asked to, as client-go TransformStripManagedFields', async () => {
    const stored = await client.get(podsPath('a'));
    expect(stored.metadata.managedFields?.length).toBeGreaterThan(0);
    const informer = new Informer(log, '', 'pods', undefined, { stripManagedFields: true });
    const seen: InformerEvent[] = [];
    informer.on((e) => seen.push(e));
    await informer.start();
    await informer.synced;
    const kept = informer.get('default/a')!;
    expect(kept.metadata.managedFields).toBeUndefined();
    expect(kept.metadata).toMatchObject({ name: 'a', uid: stored.metadata.uid, labels: { x: 'y' } });
    expect(seen.find((e) => e.key === 'default/a')!.object.metadata.managedFields).toBeUndefined();
    await informer.stop();
  });

  it('is synced at once for a resource with no objects', async () => {
    const informer = new Informer(log, 'apps', 'daemonsets');
    await informer.start();
    await informer.synced;
    expect(informer.size).toBe(0);
    await informer.stop();
  });

  it('elects exactly one leader, and another takes over when it stops', async () => {
    const ncs: NatsConnection[] = await Promise.all([1, 2].map(() => connect({ servers: nats.url })));
    const leading = new Set<string>();
    const electors = ['one', 'two'].map((id, i) => new LeaderElector(ncs[i], { name: 'test-leader', identity: id, leaseMs: 2000, renewMs: 400 }, {
      onStartedLeading: () => leading.add(id),
      onStoppedLeading: () => leading.delete(id),
    }));
    await Promise.all(electors.map((e) => e.start()));
    await until(() => leading.size === 1);
    await new Promise((r) => setTimeout(r, 1200));
    expect(leading.size).toBe(1);
    const first = [...leading][0];
    const [leader, other] = first === 'one' ? electors : [electors[1], electors[0]];
    await leader.stop();
    await until(() => other.isLeader, 5000);
    expect(leading).toEqual(new Set([first === 'one' ? 'two' : 'one']));
    await other.stop();
    await Promise.all(ncs.map((nc) => nc.close()));
  });
});
