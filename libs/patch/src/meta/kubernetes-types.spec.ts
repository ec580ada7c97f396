import { RESOURCES } from '@keelson/resources';
import { applyStrategicMergePatch } from '../strategic-merge-patch';
import { patchMetaFor } from './kubernetes-types';
import { patchMetaFromTypes, PatchMeta } from './patch-meta';

const at = (meta: PatchMeta, path: string) => path.split('.').reduce((m, seg) => (seg === '[]' ? m.items() : m.field(seg)), meta);

describe('patchMetaFor', () => {
  it.each(RESOURCES.map((r) => [r.kind, r.group] as const))('given %s, then metadata.finalizers merge and ownerReferences merge by uid', (kind, group) => {
    const meta = patchMetaFor(group, kind);
    expect(at(meta, 'metadata.finalizers').patchStrategy).toEqual(['merge']);
    expect(at(meta, 'metadata.ownerReferences').patchMergeKey).toBe('uid');
  });

  it.each([
    ['Pod', '', 'spec.containers', 'name', ['merge']],
    ['Pod', '', 'spec.volumes', 'name', ['merge', 'retainKeys']],
    ['Pod', '', 'spec.containers.[].ports', 'containerPort', ['merge']],
    ['Pod', '', 'spec.initContainers.[].volumeMounts', 'mountPath', ['merge']],
    ['Pod', '', 'status.conditions', 'type', ['merge']],
    ['Deployment', 'apps', 'spec.template.spec.containers.[].env', 'name', ['merge']],
    ['StatefulSet', 'apps', 'spec.template.spec.imagePullSecrets', 'name', ['merge']],
    ['DaemonSet', 'apps', 'status.conditions', 'type', ['merge']],
    ['CronJob', 'batch', 'spec.jobTemplate.spec.template.spec.containers', 'name', ['merge']],
    ['Service', '', 'spec.ports', 'port', ['merge']],
    ['Node', '', 'status.addresses', 'type', ['merge']],
    ['ServiceAccount', '', 'secrets', 'name', ['merge']],
  ])('given %s, then %s is merged by %s', (kind, group, path, key, strategy) => {
    const m = at(patchMetaFor(group, kind), path);
    expect([m.patchMergeKey, m.patchStrategy]).toEqual([key, strategy]);
  });

  it.each([
    ['Pod', '', 'spec.tolerations'],
    ['Node', '', 'spec.taints'],
    ['Endpoints', '', 'subsets'],
    ['Job', 'batch', 'status.conditions'],
  ])('given %s, then %s is atomic for apply', (kind, group, path) => {
    expect(at(patchMetaFor(group, kind), path).listType).toBe('atomic');
  });

  it('given a Service, then ports are a list-map keyed by port and protocol, protocol defaulting to TCP', () => {
    const ports = at(patchMetaFor('', 'Service'), 'spec.ports');
    expect([ports.listType, ports.listMapKeys, ports.listMapKeyDefaults]).toEqual(['map', ['port', 'protocol'], { protocol: 'TCP' }]);
  });

  it('given a Deployment, then the selector is atomic and labels are granular', () => {
    const meta = patchMetaFor('apps', 'Deployment');
    expect([at(meta, 'spec.selector').mapType, at(meta, 'metadata.labels').mapType]).toEqual(['atomic', 'granular']);
  });

  it('given a PodDisruptionBudget, then an SMP of the selector replaces it (patchStrategy replace)', () => {
    const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'x' }, spec: { selector: { matchLabels: { a: '1' } } } };
    const out = applyStrategicMergePatch(pdb, { spec: { selector: { matchLabels: { b: '2' } } } }, patchMetaFor('policy', 'PodDisruptionBudget')) as any;
    expect(out.spec.selector).toEqual({ matchLabels: { b: '2' } });
  });

  it('given a table from another source (e.g. OpenAPI extensions), then it drives the same interface', () => {
    const meta = patchMetaFromTypes({ Widget: { parts: { type: 'Part', patchStrategy: 'merge', patchMergeKey: 'id', listType: 'map', listMapKeys: ['id'] } }, Part: {} }, 'Widget');
    expect([at(meta, 'parts').patchMergeKey, at(meta, 'parts').listMapKeys, at(meta, 'unknown').listType]).toEqual(['id', ['id'], 'atomic']);
  });
});
