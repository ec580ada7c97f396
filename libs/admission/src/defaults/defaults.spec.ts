import { defaultObject } from './index';
import { at, object, podSpec, resource, template } from '../testing';

const defaulted = (kind: string, body: Record<string, unknown>, meta: Record<string, unknown> = {}) => defaultObject(resource(kind), object(kind, body, meta));

describe('defaultObject', () => {
  it('given an object, then the input is left untouched', () => {
    const input = object('Pod', { spec: podSpec() });
    const before = JSON.stringify(input);
    defaultObject(resource('Pod'), input);
    expect(JSON.stringify(input)).toBe(before);
  });

  describe('given a bare Pod', () => {
    const pod = defaulted('Pod', {
      spec: {
        containers: [
          { name: 'a', image: 'nginx', ports: [{ containerPort: 80 }], livenessProbe: { httpGet: { port: 80 } }, resources: { limits: { cpu: '1', memory: '1Gi' } } },
          { name: 'b', image: 'nginx:1.7.9' },
          { name: 'c', image: 'registry:5000/busybox:latest' },
        ],
        volumes: [{ name: 'cfg', configMap: { name: 'c' } }],
      },
    });
    it.each([
      ['spec.restartPolicy', 'Always'],
      ['spec.dnsPolicy', 'ClusterFirst'],
      ['spec.schedulerName', 'default-scheduler'],
      ['spec.terminationGracePeriodSeconds', 30],
      ['spec.securityContext', {}],
      ['spec.enableServiceLinks', true],
      ['spec.priority', 0],
      ['spec.serviceAccountName', 'default'],
      ['spec.serviceAccount', 'default'],
      ['spec.containers.0.imagePullPolicy', 'Always'],
      ['spec.containers.1.imagePullPolicy', 'IfNotPresent'],
      ['spec.containers.2.imagePullPolicy', 'Always'],
      ['spec.containers.0.terminationMessagePath', '/dev/termination-log'],
      ['spec.containers.0.terminationMessagePolicy', 'File'],
      ['spec.containers.0.ports.0.protocol', 'TCP'],
      ['spec.containers.1.resources', {}],
      ['spec.containers.0.resources.requests', { cpu: '1', memory: '1Gi' }],
      ['spec.containers.0.livenessProbe.timeoutSeconds', 1],
      ['spec.containers.0.livenessProbe.periodSeconds', 10],
      ['spec.containers.0.livenessProbe.successThreshold', 1],
      ['spec.containers.0.livenessProbe.failureThreshold', 3],
      ['spec.containers.0.livenessProbe.httpGet.path', '/'],
      ['spec.containers.0.livenessProbe.httpGet.scheme', 'HTTP'],
      ['spec.volumes.0.configMap.defaultMode', 420],
    ])('then %s is %p', (path, value) => {
      expect(at(pod, path)).toEqual(value);
    });

    it('then it tolerates not-ready and unreachable nodes for 300s', () => {
      expect(at(pod, 'spec.tolerations')).toEqual([
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ]);
    });
  });

  it('given values the user set, then they are kept', () => {
    const pod = defaulted('Pod', { spec: podSpec({ restartPolicy: 'Never', serviceAccountName: 'robot', containers: [{ name: 'a', image: 'nginx', imagePullPolicy: 'Never', resources: { requests: { cpu: '100m' }, limits: { cpu: '1' } } }] }) });
    expect(at(pod, 'spec.restartPolicy')).toBe('Never');
    expect(at(pod, 'spec.serviceAccountName')).toBe('robot');
    expect(at(pod, 'spec.containers.0.imagePullPolicy')).toBe('Never');
    expect(at(pod, 'spec.containers.0.resources.requests')).toEqual({ cpu: '100m' });
  });

  it('given a Deployment, then spec and pod template get their defaults but no pod admission', () => {
    const d = defaulted('Deployment', { spec: { selector: { matchLabels: { app: 'nginx' } }, template: template() } });
    expect(d.spec).toMatchObject({ replicas: 1, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 });
    expect(at(d, 'spec.template.spec.restartPolicy')).toBe('Always');
    expect(at(d, 'spec.template.spec.containers.0.imagePullPolicy')).toBe('IfNotPresent');
    expect(at(d, 'spec.template.spec.serviceAccountName')).toBeUndefined();
  });

  it('given a Recreate Deployment, then no rollingUpdate is added', () => {
    const d = defaulted('Deployment', { spec: { strategy: { type: 'Recreate' }, template: template() } });
    expect(at(d, 'spec.strategy')).toEqual({ type: 'Recreate' });
  });

  it.each([
    ['ReplicaSet', { replicas: 1 }],
    ['StatefulSet', { replicas: 1, podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, revisionHistoryLimit: 10, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' } }],
    ['DaemonSet', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10 }],
  ])('given a %s, then its spec defaults are set', (kind, expected) => {
    const o = defaulted(kind, { spec: { template: template() } });
    expect(o.spec).toMatchObject(expected);
    expect(at(o, 'spec.template.spec.dnsPolicy')).toBe('ClusterFirst');
  });

  it('given a StatefulSet with volumeClaimTemplates, then each claim gets volumeMode Filesystem', () => {
    const o = defaulted('StatefulSet', { spec: { template: template(), volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: {} }] } });
    expect(at(o, 'spec.volumeClaimTemplates.0.spec.volumeMode')).toBe('Filesystem');
  });

  describe('given a Job', () => {
    it.each([
      [{}, 1, 1],
      [{ parallelism: 3 }, 3, undefined],
      [{ completions: 5 }, 1, 5],
      [{ completions: 5, parallelism: 2 }, 2, 5],
    ])('with %p, then parallelism is %p and completions %p', (given, parallelism, completions) => {
      const job = defaulted('Job', { spec: { ...given, template: template({ app: 'pi' }) } }, { uid: 'u-1' });
      expect(at(job, 'spec.parallelism')).toBe(parallelism);
      expect(at(job, 'spec.completions')).toBe(completions);
    });

    it('then the selector and pod labels come from its uid and name, and the Job takes the template labels', () => {
      const job = defaulted('Job', { spec: { template: template({ app: 'pi' }) } }, { name: 'pi', uid: 'u-1' });
      expect(job.spec).toMatchObject({ backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } } });
      expect(at(job, 'spec.template.metadata.labels')).toEqual({ app: 'pi', 'batch.kubernetes.io/controller-uid': 'u-1', 'controller-uid': 'u-1', 'batch.kubernetes.io/job-name': 'pi', 'job-name': 'pi' });
      expect(job.metadata.labels).toEqual({ app: 'pi' });
    });

    it('with manualSelector, then no selector is generated', () => {
      const job = defaulted('Job', { spec: { manualSelector: true, template: template() } }, { uid: 'u-1' });
      expect(at(job, 'spec.selector')).toBeUndefined();
    });
  });

  it.each(['batch/v1', 'batch/v1beta1'])('given a %s CronJob, then the same defaults apply', (apiVersion) => {
    const cj = defaultObject(resource('CronJob'), { ...object('CronJob', { spec: { schedule: '* * * * *', jobTemplate: { spec: { template: template() } } } }), apiVersion });
    expect(cj.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    expect(at(cj, 'spec.jobTemplate.spec.template.spec.terminationGracePeriodSeconds')).toBe(30);
  });

  it('given a Service, then type, affinity, protocols, target ports and IP families are set but no clusterIP', () => {
    const svc = defaulted('Service', { spec: { ports: [{ port: 80 }, { port: 81, targetPort: 'http' }] } });
    expect(svc.spec).toEqual({
      type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'],
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }, { port: 81, protocol: 'TCP', targetPort: 'http' }],
    });
  });

  it.each([
    ['PersistentVolumeClaim', 'spec.volumeMode', 'Filesystem'],
    ['PersistentVolume', 'spec.persistentVolumeReclaimPolicy', 'Retain'],
    ['PersistentVolume', 'spec.volumeMode', 'Filesystem'],
    ['Namespace', 'spec.finalizers', ['kubernetes']],
    ['Namespace', 'status.phase', 'Active'],
    ['Namespace', 'metadata.labels', { 'kubernetes.io/metadata.name': 'x' }],
    ['Secret', 'type', 'Opaque'],
    ['NetworkPolicy', 'spec.policyTypes', ['Ingress']],
    ['StorageClass', 'reclaimPolicy', 'Delete'],
    ['PriorityClass', 'preemptionPolicy', 'PreemptLowerPriority'],
    ['HorizontalPodAutoscaler', 'spec.minReplicas', 1],
  ])('given a %s, then %s is %p', (kind, path, value) => {
    expect(at(defaulted(kind, {}), path)).toEqual(value);
  });

  it('given a NetworkPolicy with egress rules, then it covers Ingress and Egress', () => {
    expect(at(defaulted('NetworkPolicy', { spec: { podSelector: {}, egress: [{}] } }), 'spec.policyTypes')).toEqual(['Ingress', 'Egress']);
  });

  it('given an HPA with a partial behavior, then the missing rules are Kubernetes\' defaults', () => {
    const hpa = defaulted('HorizontalPodAutoscaler', { spec: { behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } } });
    expect(at(hpa, 'spec.behavior')).toEqual({
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
      scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
    });
  });

  it('given an HPA without behavior, then none is added', () => {
    expect(at(defaulted('HorizontalPodAutoscaler', { spec: {} }), 'spec.behavior')).toBeUndefined();
  });
});
