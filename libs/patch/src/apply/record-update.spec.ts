import { KubeObject } from '@keelson/apimachinery';
import { recordUpdate } from './record-update';
import { serverSideApply } from './server-side-apply';

const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-01T00:01:00Z';
const deployment = (): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', uid: 'u1', labels: { app: 'web' } },
  spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1' }] } } },
  status: { replicas: 1 },
});
const update = (old: KubeObject | null, updated: KubeObject, manager = 'kubectl-edit', now = T1, subresource?: string) =>
  recordUpdate({ old, updated, manager, apiVersion: 'apps/v1', now, subresource });
const fields = (o: KubeObject, manager: string) => o.metadata.managedFields?.find((e) => e.manager === manager)?.fieldsV1 as any;
const withImage = (o: KubeObject, image: string): KubeObject => {
  const c = JSON.parse(JSON.stringify(o));
  c.spec.template.spec.containers[0].image = image;
  return c;
};

describe('recordUpdate', () => {
  it('given a create, then the creator owns every field it set, free-form maps marked with "." and status left out', () => {
    const out = update(null, deployment(), 'kubectl-create', T0);
    expect(out.metadata.managedFields).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
              'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
            },
          },
        },
      },
    ]);
  });

  it('given an applied object, when another manager changes a field, then that manager takes it and the applier loses it', () => {
    const applied = serverSideApply({ live: null, applied: deployment(), manager: 'kubectl', force: false, apiVersion: 'apps/v1', now: T0 });
    const out = update(applied, withImage(applied, 'nginx:2'));
    expect(fields(out, 'kubectl-edit')).toEqual({ 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { 'f:image': {} } } } } } });
    expect(fields(out, 'kubectl')['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"nginx"}']).toEqual({ '.': {}, 'f:name': {} });
    expect(out.metadata.managedFields?.map((e) => e.operation)).toEqual(['Apply', 'Update']);
  });

  it('given a write that changes nothing, then managedFields and their times stay', () => {
    const created = update(null, deployment(), 'kubectl-create', T0);
    expect(update(created, created, 'other', T1).metadata.managedFields).toEqual(created.metadata.managedFields);
  });

  it('given a field removed by the write, then no manager keeps owning it', () => {
    const created = update(null, deployment(), 'kubectl-create', T0);
    const noLabels = { ...created, metadata: { ...created.metadata, labels: undefined } };
    delete noLabels.metadata.labels;
    expect(fields(update(created, noLabels), 'kubectl-create')['f:metadata']).toBeUndefined();
  });

  it('given a status write, then the entry names the subresource and owns only status', () => {
    const created = update(null, deployment(), 'kubectl-create', T0);
    const out = update(created, { ...created, status: { replicas: 1, readyReplicas: 1 } }, 'kube-controller-manager', T1, 'status');
    const e = out.metadata.managedFields?.find((m) => m.manager === 'kube-controller-manager');
    expect(e).toMatchObject({ subresource: 'status', fieldsV1: { 'f:status': { 'f:readyReplicas': {} } } });
  });

  it('given a status change on the main resource, then nobody owns it', () => {
    const created = update(null, deployment(), 'kubectl-create', T0);
    expect(update(created, { ...created, status: { replicas: 3 } }).metadata.managedFields).toEqual(created.metadata.managedFields);
  });

  it('given managedFields sent as [{}], then they are cleared', () => {
    const created = update(null, deployment(), 'kubectl-create', T0);
    const out = update(created, { ...created, metadata: { ...created.metadata, managedFields: [{}] } });
    expect(out.metadata.managedFields).toBeUndefined();
  });

  it('given managedFields sent with the write, then they replace the stored ones', () => {
    const created = update(null, deployment(), 'kubectl-create', T0);
    const sent = [{ manager: 'someone', operation: 'Update' as const, apiVersion: 'apps/v1', time: T0, fieldsType: 'FieldsV1' as const, fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
    const out = update(created, { ...created, metadata: { ...created.metadata, managedFields: sent } });
    expect(out.metadata.managedFields).toEqual(sent);
  });

  it('never mutates old or updated', () => {
    const old = update(null, deployment(), 'kubectl-create', T0);
    const next = withImage(old, 'nginx:3');
    const copies = JSON.parse(JSON.stringify([old, next]));
    update(old, next);
    expect([old, next]).toEqual(copies);
  });
});
