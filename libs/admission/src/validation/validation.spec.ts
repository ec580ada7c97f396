// One row per rule: given an object (defaulted first, as the server does), then exactly
// these causes, with Kubernetes' field paths and messages.
import type { StatusCause } from '@keelson/apimachinery';
import { defaultObject } from '../defaults';
import { object, podSpec, resource, template } from '../testing';
import { validateObject } from './index';

const check = (kind: string, body: Record<string, unknown>, meta: Record<string, unknown> = {}) => {
  const r = resource(kind);
  return validateObject(r, defaultObject(r, object(kind, body, meta)));
};
const fields = (causes: StatusCause[]) => causes.map((c) => `${c.field}: ${c.message}`);

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const deploy = (spec: Record<string, unknown>) => ({ spec: { selector: { matchLabels: { app: 'nginx' } }, template: template(), ...spec } });
const job = (spec: Record<string, unknown>) => ({ spec: { template: template({ app: 'pi' }, { restartPolicy: 'Never' }), ...spec } });
const cron = (spec: Record<string, unknown>) => ({ spec: { schedule: '*/1 * * * *', jobTemplate: { spec: { template: template({}, { restartPolicy: 'OnFailure' }) } }, ...spec } });

describe('validateObject', () => {
  it.each<[string, string, Record<string, unknown>, Record<string, unknown>, string[]]>([
    ['a valid pod', 'Pod', { spec: podSpec() }, {}, []],
    ['no name', 'Pod', { spec: podSpec() }, { name: undefined }, ['metadata.name: Required value: name or generateName is required']],
    ['a bad name', 'Pod', { spec: podSpec() }, { name: 'Foo_' }, [`metadata.name: Invalid value: "Foo_": ${SUBDOMAIN}`]],
    ['a generateName ending in -', 'Pod', { spec: podSpec() }, { name: undefined, generateName: 'web-' }, []],
    ['a dotted namespace name', 'Namespace', {}, { name: 'a.b' }, [expect.stringMatching(/^metadata.name: Invalid value: "a.b": a lowercase RFC 1123 label must consist/) as unknown as string]],
    ['a service name starting with a digit', 'Service', { spec: { ports: [{ port: 80 }] } }, { name: '1svc' }, [expect.stringMatching(/^metadata.name: Invalid value: "1svc": a DNS-1035 label/) as unknown as string]],
    ['no namespace on a namespaced kind', 'Pod', { spec: podSpec() }, { namespace: undefined }, ['metadata.namespace: Required value']],
    ['a namespace on a cluster-scoped kind', 'PersistentVolume', { spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/x' } } }, { namespace: 'default' }, ['metadata.namespace: Forbidden: not allowed on this type']],
    ['a bad label key and value', 'ConfigMap', {}, { labels: { 'Bad Key': 'ok', ok: 'bad value' } }, [expect.stringMatching(/^metadata.labels: Invalid value: "Bad Key": name part must consist/) as unknown as string, expect.stringMatching(/^metadata.labels: Invalid value: "bad value": a valid label must be an empty string/) as unknown as string]],
    ['annotations over 256KiB', 'ConfigMap', {}, { annotations: { a: 'x'.repeat(262144) } }, ['metadata.annotations: Too long: must have at most 262144 bytes']],
    ['no containers', 'Pod', { spec: { containers: [] } }, {}, ['spec.containers: Required value']],
    ['a container without image', 'Pod', { spec: { containers: [{ name: 'a' }] } }, {}, ['spec.containers[0].image: Required value']],
    ['duplicate container names', 'Pod', { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }] } }, {}, ['spec.containers[1].name: Duplicate value: "a"']],
    ['a container name that is no DNS label', 'Pod', { spec: { containers: [{ name: 'A_b', image: 'x' }] } }, {}, [expect.stringMatching(/^spec.containers\[0\].name: Invalid value: "A_b": a lowercase RFC 1123 label/) as unknown as string]],
    ['a port out of range', 'Pod', { spec: podSpec({ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 70000 }] }] }) }, {}, ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['an unknown protocol', 'Pod', { spec: podSpec({ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80, protocol: 'HTTP' }] }] }) }, {}, ['spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"']],
    ['a bad restartPolicy', 'Pod', { spec: podSpec({ restartPolicy: 'Sometimes' }) }, {}, ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']],
    ['requests above limits', 'Pod', { spec: podSpec({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] }) }, {}, ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']],
    ['a quantity that does not parse', 'Pod', { spec: podSpec({ containers: [{ name: 'a', image: 'x', resources: { requests: { memory: '1Gb' } } }] }) }, {}, [`spec.containers[0].resources.requests[memory]: Invalid value: "1Gb": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`]],
    ['a probe without handler', 'Pod', { spec: podSpec({ containers: [{ name: 'a', image: 'x', livenessProbe: { periodSeconds: 5 } }] }) }, {}, ['spec.containers[0].livenessProbe: Required value: must specify a handler type']],
    ['a liveness successThreshold of 2', 'Pod', { spec: podSpec({ containers: [{ name: 'a', image: 'x', livenessProbe: { exec: { command: ['true'] }, successThreshold: 2 } }] }) }, {}, ['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1']],
    ['a mount of a missing volume', 'Pod', { spec: podSpec({ containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/d' }] }] }) }, {}, ['spec.containers[0].volumeMounts[0].name: Not found: "data"']],
    ['duplicate volumes', 'Pod', { spec: podSpec({ volumes: [{ name: 'v', emptyDir: {} }, { name: 'v', emptyDir: {} }] }) }, {}, ['spec.volumes[1].name: Duplicate value: "v"']],
    ['a volume without a source', 'Pod', { spec: podSpec({ volumes: [{ name: 'v' }] }) }, {}, ['spec.volumes[0]: Required value: must specify a volume type']],
    ['a valid deployment', 'Deployment', deploy({}), {}, []],
    ['a deployment without selector', 'Deployment', deploy({ selector: undefined }), {}, ['spec.selector: Required value']],
    ['a selector that does not match', 'Deployment', deploy({ selector: { matchLabels: { app: 'web' } } }), {}, ['spec.template.metadata.labels: Invalid value: {"app":"nginx"}: `selector` does not match template `labels`']],
    ['negative replicas', 'Deployment', deploy({ replicas: -1 }), {}, ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    ['a deployment restartPolicy other than Always', 'Deployment', deploy({ template: template({ app: 'nginx' }, { restartPolicy: 'OnFailure' }) }), {}, ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"']],
    ['maxSurge and maxUnavailable both 0', 'Deployment', deploy({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } }), {}, ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0']],
    ['a maxSurge over 100%', 'Deployment', deploy({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '150%' } } }), {}, ['spec.strategy.rollingUpdate.maxSurge: Invalid value: "150%": must not be greater than 100%']],
    ['a matchExpressions selector', 'ReplicaSet', deploy({ selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['nginx'] }] } }), {}, []],
    ['a DaemonSet with restartPolicy Never', 'DaemonSet', deploy({ template: template({ app: 'nginx' }, { restartPolicy: 'Never' }) }), {}, ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']],
    ['a valid job', 'Job', job({}), { uid: 'u' }, []],
    ['a job with restartPolicy Always', 'Job', job({ template: template({ app: 'pi' }) }), { uid: 'u' }, ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']],
    ['negative completions', 'Job', job({ completions: -1 }), { uid: 'u' }, ['spec.completions: Invalid value: -1: must be greater than or equal to 0']],
    ['a job without uid (no generated selector)', 'Job', job({}), {}, ['spec.selector: Required value']],
    ['a valid cronjob', 'CronJob', cron({}), {}, []],
    ['a schedule that does not parse', 'CronJob', cron({ schedule: 'every minute' }), {}, ['spec.schedule: Invalid value: "every minute": expected exactly 5 fields, found 2: [every minute]']],
    ['a schedule out of range', 'CronJob', cron({ schedule: '61 * * * *' }), {}, [expect.stringMatching(/^spec.schedule: Invalid value: "61 \* \* \* \*": /) as unknown as string]],
    ['TZ in the schedule', 'CronJob', cron({ schedule: 'TZ=UTC * * * * *' }), {}, ['spec.schedule: Invalid value: "TZ=UTC * * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead']],
    ['an unknown time zone', 'CronJob', cron({ timeZone: 'Mars/Olympus' }), {}, ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']],
    ['a cronjob name over 52 characters', 'CronJob', cron({}), { name: 'a'.repeat(53) }, [`metadata.name: Invalid value: "${'a'.repeat(53)}": must be no more than 52 characters`]],
    ['a service without ports', 'Service', { spec: { selector: { app: 'x' } } }, {}, ['spec.ports: Required value']],
    ['a headless service without ports', 'Service', { spec: { clusterIP: 'None' } }, {}, []],
    ['an ExternalName service without ports', 'Service', { spec: { type: 'ExternalName', externalName: 'db.example.com' } }, {}, []],
    ['a service port of 0', 'Service', { spec: { ports: [{ port: 0, targetPort: 80 }] } }, {}, ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive']],
    ['two unnamed service ports', 'Service', { spec: { ports: [{ port: 80 }, { port: 81 }] } }, {}, ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value']],
    ['an unknown service type', 'Service', { spec: { type: 'Magic', ports: [{ port: 80 }] } }, {}, ['spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
    ['a PVC without access modes or size', 'PersistentVolumeClaim', { spec: {} }, {}, ['spec.accessModes: Required value: at least 1 access mode is required', 'spec.resources[storage]: Required value']],
    ['a secret key with a slash', 'Secret', { data: { 'a/b': 'eA==' } }, {}, [expect.stringMatching(/^data\[a\/b\]: Invalid value: "a\/b": a valid config key must consist/) as unknown as string]],
    ['an ingress path without pathType', 'Ingress', { spec: { rules: [{ http: { paths: [{ path: '/', backend: { service: { name: 's', port: { number: 80 } } } }] } }] } }, {}, ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified']],
    ['an HPA with max below min', 'HorizontalPodAutoscaler', { spec: { scaleTargetRef: { kind: 'Deployment', name: 'd' }, minReplicas: 3, maxReplicas: 2 } }, {}, ['spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`']],
    ['a PDB with both bounds', 'PodDisruptionBudget', { spec: { minAvailable: 1, maxUnavailable: 1 } }, {}, [expect.stringMatching(/^spec: Invalid value: .*minAvailable and maxUnavailable cannot be both set$/) as unknown as string]],
    ['a user priority over a billion', 'PriorityClass', { value: 2_000_000_000 }, {}, ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']],
  ])('given %s, then the causes are as Kubernetes gives them', (_, kind, body, meta, expected) => {
    expect(fields(check(kind, body, meta))).toEqual(expected);
  });

  it('given a cause, then it carries the Kubernetes reason', () => {
    expect(check('Pod', { spec: { containers: [] } })).toEqual([{ reason: 'FieldValueRequired', field: 'spec.containers', message: 'Required value' }]);
  });
});
