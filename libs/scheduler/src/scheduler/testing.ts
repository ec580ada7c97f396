import type { KubeObject } from '@keelson/apimachinery';
import { loadSchedulerConfiguration } from '../config/config';
import type { ObjectEvent, SchedulerClient, WriteOptions } from './client';
import { Scheduler } from './scheduler';

// A scheduler over a recording client, fed as informers would feed it.

export interface Call {
  verb: 'create' | 'patch' | 'delete';
  path: string;
  body?: unknown;
  opts?: WriteOptions;
}

export class FakeClient implements SchedulerClient {
  readonly calls: Call[] = [];
  /** answers binds with this error while set */
  failBinds?: Error;
  async create(path: string, body: unknown, opts?: WriteOptions): Promise<KubeObject> {
    this.calls.push({ verb: 'create', path, body, opts });
    if (path.endsWith('/binding') && this.failBinds) throw this.failBinds;
    return body as KubeObject;
  }
  async patch(path: string, body: unknown, opts?: WriteOptions): Promise<KubeObject> {
    this.calls.push({ verb: 'patch', path, body, opts });
    return {} as KubeObject;
  }
  async delete(path: string, body?: unknown, opts?: WriteOptions): Promise<KubeObject> {
    this.calls.push({ verb: 'delete', path, body, opts });
    return {} as KubeObject;
  }
  binds(): { pod: string; node: string; cause?: number }[] {
    return this.calls.filter((c) => c.path.endsWith('/binding')).map((c) => ({ pod: c.path.split('/')[6], node: (c.body as { target: { name: string } }).target.name, cause: c.opts?.cause }));
  }
}

export function node(name: string, cpu = '4', o: { pods?: string; labels?: Record<string, string>; taints?: unknown[] } = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } }, spec: { taints: o.taints ?? [] }, status: { allocatable: { cpu, memory: '16Gi', pods: o.pods ?? '110' } } };
}

export function pod(name: string, cpu = '100m', spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: name } },
    spec: { schedulerName: 'default-scheduler', priority: 0, containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu } } }], ...spec },
    status: { phase: 'Pending' },
  };
}

export function testScheduler(config?: string) {
  const client = new FakeClient();
  let t = 1_700_000_000_000;
  const warnings: string[] = [];
  const scheduler = new Scheduler({ profiles: loadSchedulerConfiguration(config).profiles, client, now: () => t, random: () => 0.5, warn: (m) => warnings.push(m) });
  let seq = 0;
  const feed = (handler: (e: ObjectEvent) => void, type: ObjectEvent['type'], object: KubeObject, entryType: ObjectEvent['entryType'] = type === 'add' ? 'Created' : 'Updated') => {
    const key = object.metadata.namespace ? `${object.metadata.namespace}/${object.metadata.name}` : object.metadata.name!;
    handler({ type, key, object, seq: ++seq, entryType });
    return seq;
  };
  /** Pops and schedules everything active, then waits for the binds. */
  const runAll = async () => {
    for (let qp = scheduler.queue.pop(); qp; qp = scheduler.queue.pop()) scheduler.scheduleOne(qp);
    await scheduler.drain();
    await scheduler.flushEvents();
    await new Promise((r) => setImmediate(r));
  };
  return { scheduler, client, warnings, feed, runAll, advance: (ms: number) => (t += ms), now: () => t };
}
