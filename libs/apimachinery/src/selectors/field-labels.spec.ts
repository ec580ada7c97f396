import { KubeObject } from '../object';
import { StatusError } from '../status';
import { convertFieldSelector, fieldValue } from './field-labels';
import { fieldsMatch, parseFieldSelector } from './fields';

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'default' },
  spec: { nodeName: 'node-a', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default' },
  status: { phase: 'Running', podIP: '10.0.0.7', podIPs: [{ ip: '10.0.0.7' }, { ip: 'fd00::7' }] },
};

const event: KubeObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'web-1.17a', namespace: 'default' },
  involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', uid: 'u-1' },
  reason: 'Scheduled',
  type: 'Normal',
  source: {},
  reportingController: 'default-scheduler',
};

describe('fieldValue', () => {
  it.each<[string, KubeObject, string, string | undefined]>([
    ['pods', pod, 'metadata.name', 'web-1'],
    ['pods', pod, 'metadata.namespace', 'default'],
    ['pods', pod, 'spec.nodeName', 'node-a'],
    ['pods', pod, 'spec.host', 'node-a'],
    ['pods', pod, 'spec.hostNetwork', 'false'],
    ['pods', pod, 'status.phase', 'Running'],
    ['pods', pod, 'status.podIP', '10.0.0.7'],
    ['pods', pod, 'status.nominatedNodeName', ''],
    ['pods', pod, 'spec.containers', undefined],
    ['events', event, 'involvedObject.name', 'web-1'],
    ['events', event, 'involvedObject.uid', 'u-1'],
    ['events', event, 'source', 'default-scheduler'], // falls back to reportingController
    ['events', event, 'type', 'Normal'],
    ['secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque' }, 'type', 'Opaque'],
    ['nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec: { unschedulable: true } }, 'spec.unschedulable', 'true'],
    ['namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' }, status: { phase: 'Active' } }, 'status.phase', 'Active'],
    ['replicasets', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' }, status: { replicas: 3 } }, 'status.replicas', '3'],
    ['jobs', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, status: {} }, 'status.successful', '0'],
    ['configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'x' } }, 'metadata.namespace', 'x'],
    ['configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, 'constructor', undefined],
  ])('given %s, when reading %s.%s, then %j', (plural, obj, field, expected) => {
    expect(fieldValue(plural, obj, field)).toBe(expected);
  });

  it('given a pod on node-a, when selecting spec.nodeName=node-a,status.phase!=Failed, then it matches', () => {
    const reqs = convertFieldSelector('pods', parseFieldSelector('spec.nodeName=node-a,status.phase!=Failed'));
    expect(fieldsMatch(reqs, (f) => fieldValue('pods', pod, f))).toBe(true);
  });
});

describe('convertFieldSelector', () => {
  it('given the legacy spec.host on pods, then it is rewritten to spec.nodeName', () => {
    expect(convertFieldSelector('pods', parseFieldSelector('spec.host=n1'))).toEqual([{ field: 'spec.nodeName', operator: '=', value: 'n1' }]);
  });

  it.each<[string, string, string]>([
    ['pods', 'foo=bar', 'field label not supported: foo'],
    ['pods', 'metadata.name=a,zzz=1', 'field label not supported: zzz'],
    ['events', 'involvedObject.bogus=x', 'field label not supported: involvedObject.bogus'],
    ['nodes', 'metadata.namespace=x', 'field label not supported: metadata.namespace'],
    ['jobs', 'status.active=1', 'field label "status.active" not supported for batchv1.Job'],
    ['ingresses', 'foo.bar=baz', '"foo.bar" is not a known field selector: only "metadata.name", "metadata.namespace"'],
  ])('given %s and %j, then 400 %j', (plural, selector, message) => {
    try {
      convertFieldSelector(plural, parseFieldSelector(selector));
      throw new Error('expected a StatusError');
    } catch (e) {
      expect(e).toBeInstanceOf(StatusError);
      expect((e as StatusError).toStatus()).toMatchObject({ code: 400, reason: 'BadRequest', message });
    }
  });

  it.each(['deployments', 'configmaps', 'pods', 'secrets', 'events', 'services'])('given %s, then metadata.name and metadata.namespace are accepted', (plural) => {
    expect(convertFieldSelector(plural, parseFieldSelector('metadata.name=a,metadata.namespace=b'))).toHaveLength(2);
  });
});
