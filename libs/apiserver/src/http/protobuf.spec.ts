import { StatusError } from '@keelson/apimachinery';
import { decodeBody } from './body';
import { decodeProtobufObject, encodeProtobufObject, PROTOBUF_CONTENT_TYPE } from './protobuf';

// Bodies kubectl v1.32.4 sent (captured on the wire), and the JSON kubectl 1.27 sends for the
// same commands: Go writes every non-pointer field ("", 0, empty messages), JSON leaves the
// omitempty ones out, and the decoder must give the JSON.
const KUBECTL_1_32_BODIES: [string, string, object][] = [
  [
    'create namespace foo',
    '6b3873000a0f0a02763112094e616d657370616365121b0a130a03666f6f12001a0022002a0032003800420012001a020a001a002200',
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'foo' }, spec: {}, status: {} },
  ],
  [
    'create secret generic s --from-literal=a=b',
    '6b3873000a0c0a027631120653656372657412200a140a017312001a03666f6f22002a0032003800420012060a01611201621a001a002200',
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'foo' }, data: { a: 'Yg==' } },
  ],
  [
    'create deployment web --image=nginx:1.7.9 --replicas=2',
    '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412b5010a220a0377656212001a03666f6f22002a003200380042005a0a0a03617070120377656212800108021' +
      '20c0a0a0a0361707012037765621a660a1c0a0012001a0022002a003200380042005a0a0a036170701203776562124612280a056e67696e78120b6e67696e783a312e372e392a' +
      '0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200',
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'foo', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.7.9', resources: {} }] } },
        strategy: {},
      },
      status: {},
    },
  ],
  [
    'create service clusterip svc --tcp=80:8080',
    '6b3873000a0d0a027631120753657276696365126c0a220a0373766312001a03666f6f22002a003200380042005a0a0a03617070120373766312420a1b0a0738302d38303830120354435' +
      '018502207080010903f1a002800120a0a0361707012037376631a002209436c757374657249503a00420052005a00600068001a020a001a002200',
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'svc', namespace: 'foo', labels: { app: 'svc' } },
      spec: { ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }], selector: { app: 'svc' }, type: 'ClusterIP' },
      status: { loadBalancer: {} },
    },
  ],
  [
    'create poddisruptionbudget pdb --selector=app=web --min-available=1',
    '6b3873000a200a09706f6c6963792f76311213506f6444697372757074696f6e427564676574123c0a160a0370646212001a03666f6f22002a0032003800420012160a0608001001' +
      '1a00120c0a0a0a0361707012037765621a0a080018002000280030001a002200',
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'pdb', namespace: 'foo' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } },
      // these counts have no omitempty: JSON sends the zeros too
      status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
    },
  ],
  [
    'create ingress ing --rule=foo.com/bar=svc:80',
    '6b3873000a1f0a146e6574776f726b696e672e6b38732e696f2f76311207496e6772657373124b0a160a03696e6712001a03666f6f22002a00320038004200122d1a2b0a07666f6f2e' +
      '636f6d12200a1e0a1c0a042f626172120d220b0a0373766312040a0010501a0545786163741a020a001a002200',
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'ing', namespace: 'foo' },
      // http sits in the inlined IngressRuleValue
      spec: { rules: [{ host: 'foo.com', http: { paths: [{ path: '/bar', pathType: 'Exact', backend: { service: { name: 'svc', port: { number: 80 } } } }] } }] },
      status: { loadBalancer: {} },
    },
  ],
];

describe('given a protobuf body kubectl 1.32 sent', () => {
  it.each(KUBECTL_1_32_BODIES)('when `kubectl %s` is decoded, then it is the object kubectl sends as JSON', (_cmd, hex, json) => {
    expect(decodeProtobufObject(Buffer.from(hex, 'hex'))).toEqual(json);
  });

  it('when it arrives through the body decoder with its media type, then it is decoded too', () => {
    const [, hex, json] = KUBECTL_1_32_BODIES[0];
    expect(decodeBody(Buffer.from(hex, 'hex'), PROTOBUF_CONTENT_TYPE)).toEqual(json);
  });
});

// Objects in their JSON form, with no zero values JSON would leave out: encode → decode must give them back.
const ROUND_TRIPS: [string, object][] = [
  [
    'a Deployment with replicas 0, percentages and a volume',
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'ns', uid: 'u-1', generation: 3, creationTimestamp: '2024-01-02T03:04:05Z', labels: { app: 'web' }, annotations: { a: 'b' }, finalizers: ['f'] },
      spec: {
        replicas: 0, // a pointer: 0 is a choice, not an absence
        selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            terminationGracePeriodSeconds: 0,
            volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '1Gi' } }, { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } }],
            containers: [
              {
                name: 'nginx',
                image: 'nginx:1.7.9',
                ports: [{ containerPort: 80, protocol: 'TCP' }],
                env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
                resources: { limits: { cpu: '500m', memory: '128Mi' } },
                readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 },
              },
            ],
            securityContext: { supplementalGroups: [1000, 2000] },
            tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 30 }],
          },
        },
      },
      status: { replicas: 1, conditions: [{ type: 'Available', status: 'True', lastTransitionTime: '2024-01-02T03:04:06Z' }] },
    },
  ],
  ['a Secret: bytes are base64 in JSON', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: Buffer.from([0, 255, 1]).toString('base64') }, type: 'Opaque' }],
  ['a ConfigMap with binaryData', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' }, binaryData: { b: 'AQI=' }, immutable: false }],
  ['a Lease: MicroTime keeps microseconds', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l' }, spec: { holderIdentity: 'me', renewTime: '2024-01-02T03:04:05.123456Z' } }],
  ['an Eviction with DeleteOptions', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p', namespace: 'ns' }, deleteOptions: { gracePeriodSeconds: 0, propagationPolicy: 'Background', dryRun: ['All'] } }],
  ['DeleteOptions under any group version', { apiVersion: 'apps/v1', kind: 'DeleteOptions', preconditions: { uid: 'u-1' }, orphanDependents: false }],
  ['a CronJob', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj' }, spec: { schedule: '*/1 * * * *', suspend: false, jobTemplate: { spec: { backoffLimit: 0, template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'OnFailure' } } } } } }],
  ['a PriorityClass', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 0, globalDefault: true, description: 'd' }],
  // what `kubectl autoscale` sends (autoscaling/v1, in kubectl 1.32 as in 1.27)
  ['an autoscaling/v1 HPA', { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'default' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 50 }, status: { currentReplicas: 0, desiredReplicas: 0 } }],
];

describe('given an object in its JSON form', () => {
  it.each(ROUND_TRIPS)('when %s is encoded and decoded, then it comes back unchanged', (_what, json) => {
    expect(decodeProtobufObject(encodeProtobufObject(json as Record<string, unknown>))).toEqual(json);
  });
});

describe('given a body that is not a protobuf object Keelson knows', () => {
  const valid = encodeProtobufObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } });
  const cases: [string, number, RegExp, Buffer][] = [
    ['JSON sent as protobuf', 400, /does not appear to be a protobuf message, expected prefix \[107 56 115 0\]/, Buffer.from('{"kind":"ConfigMap"}')],
    ['only the magic', 415, /unknown format/, Buffer.from('k8s\0')],
    ['a truncated message', 400, /unable to decode protobuf/, valid.subarray(0, valid.length - 3)],
    ['garbage after the magic', 400, /unable to decode protobuf/, Buffer.concat([Buffer.from('k8s\0'), Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])])],
    ['a kind with no protobuf form (a custom resource)', 415, /unknown format/, withKind('example.com/v1', 'Widget')],
  ];
  it.each(cases)('when %s arrives, then it is a %d Status, not a crash', (_what, code, message, body) => {
    let thrown: unknown;
    try {
      decodeBody(body, `${PROTOBUF_CONTENT_TYPE}; charset=binary`);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(StatusError);
    expect((thrown as StatusError).code).toBe(code);
    expect((thrown as StatusError).message).toMatch(message);
  });
});

/** an envelope whose typeMeta names a kind, around an empty object */
function withKind(apiVersion: string, kind: string): Buffer {
  const text = (s: string) => Buffer.from([s.length, ...Buffer.from(s)]);
  const typeMeta = Buffer.concat([Buffer.from([0x0a]), text(apiVersion), Buffer.from([0x12]), text(kind)]);
  return Buffer.concat([Buffer.from('k8s\0'), Buffer.from([0x0a, typeMeta.length]), typeMeta, Buffer.from([0x12, 0x00])]);
}
