// Updates: the stored object is `old`; immutable fields answer as Kubernetes does.
import type { KubeObject } from '@keelson/apimachinery';
import { defaultObject } from '../defaults';
import { object, podSpec, resource, template } from '../testing';
import { validateObject } from './index';
import { POD_UPDATE_FORBIDDEN } from './misc';

const stored = (kind: string, body: Record<string, unknown>, meta: Record<string, unknown> = {}) => defaultObject(resource(kind), object(kind, body, meta));
const update = (old: KubeObject, change: (o: Record<string, any>) => void) => {
  const next = structuredClone(old) as Record<string, any>;
  change(next);
  return validateObject(resource(old.kind), next as KubeObject, old).map((c) => `${c.field}: ${c.message}`);
};

const deployment = stored('Deployment', { spec: { selector: { matchLabels: { app: 'nginx' } }, template: template() } });
const pod = stored('Pod', { spec: podSpec() });

describe('validateObject on update', () => {
  it('given no change, then there is nothing to say', () => {
    expect(update(deployment, () => undefined)).toEqual([]);
    expect(update(pod, () => undefined)).toEqual([]);
  });

  it.each(['Deployment', 'ReplicaSet', 'DaemonSet'])('given a %s whose selector changes, then the selector is immutable', (kind) => {
    const old = stored(kind, { spec: { selector: { matchLabels: { app: 'nginx' } }, template: template() } });
    expect(update(old, (o) => {
      o.spec.selector = { matchLabels: { app: 'nginx', tier: 'web' } };
      o.spec.template.metadata.labels.tier = 'web';
    })).toEqual(['spec.selector: Invalid value: {"matchLabels":{"app":"nginx","tier":"web"}}: field is immutable']);
  });

  it('given a Deployment whose image and replicas change, then that is allowed', () => {
    expect(update(deployment, (o) => {
      o.spec.replicas = 5;
      o.spec.template.spec.containers[0].image = 'nginx:1.8';
    })).toEqual([]);
  });

  it('given a renamed object, then the name is immutable', () => {
    expect(update(pod, (o) => (o.metadata.name = 'y'))).toEqual(['metadata.name: Invalid value: "y": field is immutable']);
  });

  it.each<[string, (o: Record<string, any>) => void]>([
    ['the image', (o) => (o.spec.containers[0].image = 'nginx:1.8')],
    ['activeDeadlineSeconds', (o) => (o.spec.activeDeadlineSeconds = 60)],
    ['terminationGracePeriodSeconds', (o) => (o.spec.terminationGracePeriodSeconds = 5)],
    ['an added toleration', (o) => o.spec.tolerations.push({ key: 'k', operator: 'Exists' })],
    ['nodeName on an unbound pod', (o) => (o.spec.nodeName = 'node-1')],
  ])('given a Pod update of %s, then it is allowed', (_, change) => {
    expect(update(pod, change)).toEqual([]);
  });

  it.each<[string, (o: Record<string, any>) => void]>([
    ['a container port', (o) => (o.spec.containers[0].ports = [{ containerPort: 80, protocol: 'TCP' }])],
    ['the restart policy', (o) => (o.spec.restartPolicy = 'Never')],
    ['a new container', (o) => o.spec.containers.push({ ...o.spec.containers[0], name: 'b' })],
  ])('given a Pod update of %s, then Kubernetes\' pod update message is given', (_, change) => {
    expect(update(pod, change)).toEqual([`spec: Forbidden: ${POD_UPDATE_FORBIDDEN}`]);
  });

  it('given a Pod whose nodeName moves to another node, then it is forbidden', () => {
    const bound = stored('Pod', { spec: podSpec({ nodeName: 'node-1' }) });
    expect(update(bound, (o) => (o.spec.nodeName = 'node-2'))).toEqual([`spec: Forbidden: ${POD_UPDATE_FORBIDDEN}`]);
  });

  it('given a Service whose clusterIP changes, then it is immutable', () => {
    const svc = stored('Service', { spec: { clusterIP: '10.96.0.10', ports: [{ port: 80 }] } });
    expect(update(svc, (o) => (o.spec.clusterIP = '10.96.0.11'))).toEqual(['spec.clusterIP: Invalid value: "10.96.0.11": field is immutable']);
  });

  describe('given a PVC', () => {
    const pvc = stored('PersistentVolumeClaim', { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    it('when its storage request grows, then that is allowed', () => {
      expect(update(pvc, (o) => (o.spec.resources.requests.storage = '2Gi'))).toEqual([]);
    });
    it('when its storage request shrinks, then it is forbidden', () => {
      expect(update(pvc, (o) => (o.spec.resources.requests.storage = '512Mi'))).toEqual(['spec.resources.requests.storage: Forbidden: field can not be less than previous value']);
    });
    it('when its access modes change, then the spec is immutable', () => {
      expect(update(pvc, (o) => (o.spec.accessModes = ['ReadWriteMany']))).toEqual(['spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims']);
    });
  });

  it('given a Job whose template changes, then the template is immutable', () => {
    const job = stored('Job', { spec: { template: template({ app: 'pi' }, { restartPolicy: 'Never' }) } }, { uid: 'u' });
    const causes = update(job, (o) => (o.spec.template.spec.containers[0].image = 'busybox'));
    expect(causes).toHaveLength(1);
    expect(causes[0]).toMatch(/^spec.template: Invalid value: .*: field is immutable$/);
  });

  it('given a Job whose parallelism changes, then that is allowed', () => {
    const job = stored('Job', { spec: { template: template({ app: 'pi' }, { restartPolicy: 'Never' }) } }, { uid: 'u' });
    expect(update(job, (o) => (o.spec.parallelism = 3))).toEqual([]);
  });

  it('given a StatefulSet whose serviceName changes, then Kubernetes\' statefulset message is given', () => {
    const sts = stored('StatefulSet', { spec: { serviceName: 'a', selector: { matchLabels: { app: 'nginx' } }, template: template() } });
    expect(update(sts, (o) => (o.spec.serviceName = 'b'))).toEqual([
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });

  it.each(['Secret', 'ConfigMap'])('given an immutable %s, then its data and the flag are frozen', (kind) => {
    const old = stored(kind, { immutable: true, data: { a: 'YQ==' } });
    expect(update(old, (o) => (o.data.a = 'Yg=='))).toEqual(['data: Forbidden: field is immutable when `immutable` is set']);
    expect(update(old, (o) => (o.immutable = false))).toEqual(['immutable: Forbidden: field is immutable when `immutable` is set']);
  });

  it('given a mutable ConfigMap, then its data may change', () => {
    const old = stored('ConfigMap', { data: { a: 'x' } });
    expect(update(old, (o) => (o.data.a = 'y'))).toEqual([]);
  });
});
