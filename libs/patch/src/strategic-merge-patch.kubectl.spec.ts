// Patches in the shape `kubectl apply` (client-side) computes from the last-applied
// configuration: $setElementOrder for every merged list it touches, $patch: delete for
// removed elements, null for removed fields, $retainKeys where the field has retainKeys.
import { patchMetaFor } from './meta/kubernetes-types';
import { applyStrategicMergePatch } from './strategic-merge-patch';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const deployment = (): any => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'fe' }, annotations: { [LAST_APPLIED]: '{}' }, resourceVersion: '7' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }], imagePullPolicy: 'IfNotPresent' },
          { name: 'sidecar', image: 'busybox', command: ['sleep', '3600'] },
        ],
        volumes: [{ name: 'cache', emptyDir: {} }],
      },
    },
  },
  status: { replicas: 2 },
});
const apply = (patch: unknown) => applyStrategicMergePatch(deployment(), patch, patchMetaFor('apps', 'Deployment')) as any;
const containers = (o: any) => o.spec.template.spec.containers;

describe('strategic merge patch: what kubectl apply sends', () => {
  it('changing one container image keeps the other container and the server-set fields', () => {
    const out = apply({
      metadata: { annotations: { [LAST_APPLIED]: '{"new":1}' } },
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }], containers: [{ image: 'nginx:1.26', name: 'nginx' }] } } },
    });
    expect(containers(out)[0]).toEqual({ ...deployment().spec.template.spec.containers[0], image: 'nginx:1.26' });
    expect(containers(out)[1]).toEqual(deployment().spec.template.spec.containers[1]);
    expect(out.metadata.annotations[LAST_APPLIED]).toBe('{"new":1}');
    expect(out.status).toEqual({ replicas: 2 });
  });

  it('removing a container deletes it by name', () => {
    const out = apply({ spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ $patch: 'delete', name: 'sidecar' }] } } } });
    expect(containers(out).map((c: any) => c.name)).toEqual(['nginx']);
  });

  it('adding a container between two keeps the configured order', () => {
    const out = apply({
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'init' }, { name: 'sidecar' }], containers: [{ image: 'alpine', name: 'init' }] } } },
    });
    expect(containers(out).map((c: any) => c.name)).toEqual(['nginx', 'init', 'sidecar']);
  });

  it('removing a label sends null', () => {
    expect(apply({ metadata: { labels: { tier: null } } }).metadata.labels).toEqual({ app: 'web' });
  });

  it('changing replicas touches nothing else', () => {
    const out = apply({ spec: { replicas: 5 } });
    expect(out).toEqual({ ...deployment(), spec: { ...deployment().spec, replicas: 5 } });
  });

  it('adding a port to a container merges by containerPort', () => {
    const out = apply({
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }],
            containers: [{ '$setElementOrder/ports': [{ containerPort: 80 }, { containerPort: 443 }], name: 'nginx', ports: [{ containerPort: 443 }] }],
          },
        },
      },
    });
    expect(containers(out)[0].ports).toEqual([{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443 }]);
  });

  it('removing a field of a container (command) sends null inside the element', () => {
    const out = apply({ spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }], containers: [{ command: null, name: 'sidecar' }] } } } });
    expect(containers(out)[1]).toEqual({ name: 'sidecar', image: 'busybox' });
  });

  it('switching the strategy to Recreate uses $retainKeys and drops rollingUpdate', () => {
    const out = apply({ spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } });
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('switching a volume from emptyDir to a configMap uses $retainKeys per volume', () => {
    const out = apply({
      spec: { template: { spec: { '$setElementOrder/volumes': [{ name: 'cache' }], volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'cfg' }, emptyDir: null, name: 'cache' }] } } },
    });
    expect(out.spec.template.spec.volumes).toEqual([{ name: 'cache', configMap: { name: 'cfg' } }]);
  });

  it('removing a finalizer uses $deleteFromPrimitiveList with the kept order', () => {
    const obj = { ...deployment(), metadata: { ...deployment().metadata, finalizers: ['x/a', 'x/b'] } };
    const out = applyStrategicMergePatch(obj, { metadata: { '$deleteFromPrimitiveList/finalizers': ['x/a'], '$setElementOrder/finalizers': ['x/b'] } }, patchMetaFor('apps', 'Deployment')) as any;
    expect(out.metadata.finalizers).toEqual(['x/b']);
  });
});
