import { KubeObject, StatusError } from '@keelson/apimachinery';
import { recordUpdate } from './record-update';
import { serverSideApply } from './server-side-apply';

const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-01T00:01:00Z';
const config = (o: { replicas?: number; labels?: Record<string, string>; containers?: unknown[] } = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: o.labels ?? { app: 'web' } },
  spec: {
    ...(o.replicas !== undefined ? { replicas: o.replicas } : {}),
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: o.containers ?? [{ name: 'nginx', image: 'nginx:1' }] } },
  },
});
const apply = (live: KubeObject | null, applied: KubeObject, manager = 'kubectl', force = false, now = T0) =>
  serverSideApply({ live, applied, manager, force, apiVersion: 'apps/v1', now });
const entry = (o: KubeObject, manager: string) => o.metadata.managedFields?.find((e) => e.manager === manager);
const stored = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, uid: 'u1', resourceVersion: '1', creationTimestamp: T0 } });

function conflict(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a conflict');
}

describe('serverSideApply: ownership', () => {
  it('given no object, when applied, then it is created and the manager owns exactly the applied fields in FieldsV1', () => {
    const out = apply(null, { ...config({ replicas: 2 }), status: { replicas: 9 } });
    expect(out.spec).toEqual(config({ replicas: 2 }).spec);
    expect(out.status).toBeUndefined();
    expect(out.metadata.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } },
          },
        },
      },
    ]);
  });

  it('given container ports, then their key carries the defaulted protocol', () => {
    const out = apply(null, config({ containers: [{ name: 'nginx', ports: [{ containerPort: 80 }] }] }));
    const containers = (entry(out, 'kubectl')!.fieldsV1 as any)['f:spec']['f:template']['f:spec']['f:containers'];
    expect(Object.keys(containers['k:{"name":"nginx"}']['f:ports'])).toEqual(['k:{"containerPort":80,"protocol":"TCP"}']);
  });

  it('given a field the manager applied before, when omitted now, then it is removed', () => {
    const live = stored(apply(null, config({ replicas: 2, labels: { app: 'web', tier: 'fe' }, containers: [{ name: 'nginx', image: 'a' }, { name: 'side', image: 'b' }] })));
    const out = apply(live, config({ labels: { app: 'web' } }), 'kubectl', false, T1);
    expect(out.metadata.labels).toEqual({ app: 'web' });
    expect((out.spec as any).replicas).toBeUndefined();
    expect((out.spec as any).template.spec.containers.map((c: any) => c.name)).toEqual(['nginx']);
    expect(out.metadata.uid).toBe('u1');
    expect(entry(out, 'kubectl')!.time).toBe(T1);
  });

  it('given an omitted field another manager also owns, then it stays', () => {
    const first = stored(apply(null, config({ labels: { app: 'web', tier: 'fe' } }), 'a'));
    const both = stored(apply(first, config({ labels: { app: 'web', tier: 'fe' } }), 'b'));
    const out = apply(both, config({ labels: { app: 'web' } }), 'a');
    expect(out.metadata.labels).toEqual({ app: 'web', tier: 'fe' });
  });

  it('given two appliers of the same value, then there is no conflict and both own it', () => {
    const first = stored(apply(null, config({ replicas: 2 }), 'a'));
    const out = apply(first, config({ replicas: 2 }), 'b');
    for (const m of ['a', 'b']) expect((entry(out, m)!.fieldsV1 as any)['f:spec']['f:replicas']).toEqual({});
  });

  it('given an unchanged re-apply, then the object and the entry time stay', () => {
    const first = stored(apply(null, config({ replicas: 2 })));
    const out = apply(first, config({ replicas: 2 }), 'kubectl', false, T1);
    expect(out).toEqual(first);
  });
});

describe('serverSideApply: lists', () => {
  it('given live-only containers, when another manager applies its own, then live-only ones keep their place', () => {
    const live = stored(apply(null, config({ containers: [{ name: 'a', image: '1' }, { name: 'b', image: '1' }, { name: 'c', image: '1' }] }), 'm1'));
    const out = apply(live, config({ containers: [{ name: 'c', image: '1' }, { name: 'x', image: '1' }, { name: 'a', image: '1' }] }), 'm2');
    expect((out.spec as any).template.spec.containers.map((c: any) => c.name)).toEqual(['c', 'x', 'a', 'b']);
  });

  it('given finalizers (a set), when two managers apply one each, then both are kept and owned by value', () => {
    const withFinalizer = (f: string): KubeObject => ({ ...config(), metadata: { ...config().metadata, finalizers: [f] } });
    const out = apply(stored(apply(null, withFinalizer('x/a'), 'm1')), withFinalizer('x/b'), 'm2');
    expect(out.metadata.finalizers).toEqual(['x/a', 'x/b']);
    expect((entry(out, 'm2')!.fieldsV1 as any)['f:metadata']['f:finalizers']).toEqual({ 'v:"x/b"': {} });
  });
});

describe('serverSideApply: conflicts', () => {
  const edited = () => {
    const created = stored(apply(null, config({ replicas: 2 })));
    const updated = { ...created, spec: { ...(created.spec as object), replicas: 5 } };
    return stored(recordUpdate({ old: created, updated, manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1', now: T1 }));
  };

  it('given a field another manager changed, when applied with a different value, then 409 in Kubernetes words', () => {
    const err = conflict(() => apply(edited(), config({ replicas: 3 })));
    expect(err.code).toBe(409);
    expect(err.reason).toBe('Conflict');
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    expect(err.details?.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }]);
  });

  it('given the same conflict with force, then the applier takes the field and the other manager loses it', () => {
    const out = apply(edited(), config({ replicas: 3 }), 'kubectl', true, T1);
    expect((out.spec as any).replicas).toBe(3);
    expect(entry(out, 'kubectl-client-side-apply')).toBeUndefined();
    expect((entry(out, 'kubectl')!.fieldsV1 as any)['f:spec']['f:replicas']).toEqual({});
  });

  it('given several conflicting fields, then the message lists them per manager', () => {
    const live = stored(apply(null, config({ replicas: 2, containers: [{ name: 'nginx', image: 'a' }] }), 'other'));
    const err = conflict(() => apply(live, config({ replicas: 3, containers: [{ name: 'nginx', image: 'b' }] })));
    expect(err.message).toBe('Apply failed with 2 conflicts: conflicts with "other":\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image');
    expect(err.details?.causes?.map((c) => c.field)).toEqual(['.spec.replicas', '.spec.template.spec.containers[name="nginx"].image']);
  });

  it('given an object written before managedFields existed, then its fields belong to before-first-apply', () => {
    const legacy = stored({ ...config({ replicas: 2 }), metadata: { name: 'web', namespace: 'default' } });
    const err = conflict(() => apply(legacy, config({ replicas: 4 })));
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
  });
});

describe('serverSideApply: requests and purity', () => {
  it('given managedFields in the applied configuration, then 400', () => {
    const applied = { ...config(), metadata: { ...config().metadata, managedFields: [] } };
    expect(conflict(() => apply(null, applied)).code).toBe(400);
  });

  it('given a container without its key, then 400 naming the list', () => {
    const err = conflict(() => apply(null, config({ containers: [{ image: 'x' }] })));
    expect([err.code, err.message]).toEqual([400, '.spec.template.spec.containers: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)']);
  });

  it('given the status subresource, then only status is applied and owned, under that subresource', () => {
    const live = stored(apply(null, config({ replicas: 2 })));
    const out = serverSideApply({ live, applied: { ...config({ replicas: 7 }), status: { readyReplicas: 1 } }, manager: 'ctl', force: false, apiVersion: 'apps/v1', now: T1, subresource: 'status' });
    expect([(out.spec as any).replicas, (out.status as any).readyReplicas]).toEqual([2, 1]);
    expect(entry(out, 'ctl')).toMatchObject({ subresource: 'status', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:status': { 'f:readyReplicas': {} } } });
  });

  it('never mutates live or applied', () => {
    const live = stored(apply(null, config({ replicas: 2, labels: { app: 'web', x: 'y' } })));
    const liveCopy = JSON.parse(JSON.stringify(live));
    const applied = config({ replicas: 3 });
    const appliedCopy = JSON.parse(JSON.stringify(applied));
    apply(live, applied, 'kubectl', false, T1);
    expect([live, applied]).toEqual([liveCopy, appliedCopy]);
  });
});
