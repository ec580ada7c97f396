import { RESOURCES } from '@keelson/resources';
import { admit } from './admit';
import { decodeError, unknownFields } from './schema';
import { StructuralSchemas, checkStructure } from './structural';
import { object, podSpec, resource, template } from './testing';

const pod = (spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) => object('Pod', { spec: { ...podSpec(), ...spec } }, meta);
const container = (extra: Record<string, unknown>) => pod({ containers: [{ name: 'a', image: 'x', ...extra }] });
const deployment = (spec: Record<string, unknown>) => object('Deployment', { spec: { selector: { matchLabels: { app: 'nginx' } }, template: template(), ...spec } });
const decodeMessage = (kind: string, o: ReturnType<typeof object>) => decodeError(resource(kind), o)?.message.replace(/^.*cannot be handled as a \w+: /, '');

describe('checkStructure: type errors in Go decoder words', () => {
  it.each([
    ['a float for an int32', deployment({ replicas: 1.5 }), 'Deployment', 'json: cannot unmarshal number 1.5 into Go struct field Deployment.spec.replicas of type int32'],
    ['an int32 out of range', deployment({ replicas: 3_000_000_000 }), 'Deployment', 'json: cannot unmarshal number 3000000000 into Go struct field Deployment.spec.replicas of type int32'],
    ['a float for an int64', pod({ activeDeadlineSeconds: 0.5 }), 'Pod', 'json: cannot unmarshal number 0.5 into Go struct field Pod.spec.activeDeadlineSeconds of type int64'],
    ['a string for a bool', pod({ hostNetwork: 'true' }), 'Pod', 'json: cannot unmarshal string into Go struct field Pod.spec.hostNetwork of type bool'],
    ['a number for a string', container({ image: 7 }), 'Pod', 'json: cannot unmarshal number into Go struct field Pod.spec.containers.image of type string'],
    ['an object for an array', pod({ containers: {} }), 'Pod', 'json: cannot unmarshal object into Go struct field Pod.spec.containers of type []v1.Container'],
    ['a string for a struct', object('Pod', { spec: 'x' }), 'Pod', 'json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec'],
    ['an array for a map', pod({ nodeSelector: ['a'] }), 'Pod', 'json: cannot unmarshal array into Go struct field Pod.spec.nodeSelector of type map[string]string'],
    ['a number as a label value (map keys are not in the path)', pod({}, { labels: { app: 1 } }), 'Pod', 'json: cannot unmarshal number into Go struct field Pod.metadata.labels of type string'],
    ['a number for a timestamp', pod({}, { creationTimestamp: 5 }), 'Pod', 'json: cannot unmarshal number into Go struct field Pod.metadata.creationTimestamp of type string'],
    ['a float for an int-or-string', object('Service', { spec: { ports: [{ port: 80, targetPort: 8.5 }] } }), 'Service', 'json: cannot unmarshal number 8.5 into Go struct field Service.spec.ports.targetPort of type intstr.IntOrString'],
    ['a bool for a quantity', container({ resources: { limits: { cpu: true } } }), 'Pod', "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ['an object for a quantity field', pod({ volumes: [{ name: 'v', emptyDir: { sizeLimit: {} } }] }), 'Pod', "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
  ])('given %s, then the decode error says so', (_, o, kind, message) => {
    expect(decodeMessage(kind, o)).toBe(message);
  });

  it.each([
    ['an int-or-string as a number', object('Service', { spec: { ports: [{ port: 80, targetPort: 8080 }] } }), 'Service'],
    ['an int-or-string as a name', object('Service', { spec: { ports: [{ port: 80, targetPort: 'http' }] } }), 'Service'],
    ['quantities as strings and numbers', container({ resources: { limits: { cpu: 1, memory: '64Mi' }, requests: { cpu: 0.5 } } }), 'Pod'],
    ['a numeric emptyDir size limit', pod({ volumes: [{ name: 'v', emptyDir: { sizeLimit: 1024 } }] }), 'Pod'],
    ['null for optional fields, maps and arrays', pod({ hostNetwork: null, nodeSelector: null, volumes: null, containers: [{ name: 'a', image: 'x', ports: null, resources: { limits: { cpu: null } } }] }, { labels: null }), 'Pod'],
    ['anything in a free-form field (managedFields fieldsV1)', pod({}, { managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:spec': { 'f:x': {} } } }] }), 'Pod'],
    ['undefined where JSON would have nothing (objects built in memory)', pod({ hostNetwork: undefined, containerz: undefined }, { resourceVersion: undefined }), 'Pod'],
    ['a whole int64', pod({ activeDeadlineSeconds: 2 ** 40 }), 'Pod'],
  ])('given %s, then there is no decode error and no unknown field', (_, o, kind) => {
    expect(checkStructure(resource(kind), o)).toEqual({ version: 'v1', unknownFields: [] });
  });

  it('given several type errors and unknown fields, then one pass reports the first error and every unknown field', () => {
    const o = deployment({ replicas: 'two', paused: 'yes', replicaz: 1, template: { ...template(), spec: { containers: [{ name: 'a', image: 'x', imagez: 'y' }] } } });
    const report = checkStructure(resource('Deployment'), o);
    expect(report.typeError).toEqual({ value: 'string', field: 'spec.replicas', goType: 'int32' });
    expect(report.unknownFields).toEqual(['spec.template.spec.containers[0].imagez', 'spec.replicaz']); // document order
  });
});

describe('checkStructure: unknown fields', () => {
  it.each(RESOURCES.flatMap((r) => r.versions.map((v) => [`${r.kind} ${r.group || 'core'}/${v}`, r.kind, r.group ? `${r.group}/${v}` : v] as const)))(
    'given %s with an extra top-level field, then its schema is found and the field is unknown',
    (_, kind, apiVersion) => {
      expect(unknownFields(resource(kind), { ...object(kind), apiVersion, colour: 'blue' })).toEqual(['colour']);
    },
  );

  it.each([
    ['a misspelt metadata field', pod({}, { labelz: { a: 'b' } }), 'Pod', ['metadata.labelz']],
    ['a field of a struct inside a map inside an array', container({ env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'x', extra: 1 } } }] }), 'Pod', ['spec.containers[0].env[0].valueFrom.fieldRef.extra']],
    ['a field whose value is null', pod({ containerz: null }), 'Pod', ['spec.containerz']],
    ['a PriorityClass description (a property named like schema prose)', object('PriorityClass', { value: 1, description: 'for batch' }), 'PriorityClass', []],
    ['apiVersion and kind inside a pod template', deployment({ template: { ...template(), kind: 'PodTemplate' } }), 'Deployment', ['spec.template.kind']],
  ])('given %s, then exactly the expected fields are unknown', (_, o, kind, expected) => {
    expect(unknownFields(resource(kind), o)).toEqual(expected);
  });
});

describe('StructuralSchemas over any definition set', () => {
  const defs = {
    'io.k8s.api.example.v1.Widget': {
      type: 'object',
      properties: { metadata: { type: 'object', additionalProperties: { type: 'string' } }, spec: { $ref: '#/definitions/io.k8s.api.example.v1.WidgetSpec' } },
      'x-kubernetes-group-version-kind': [{ group: 'example.io', version: 'v1', kind: 'Widget' }],
    },
    'io.k8s.api.example.v1.WidgetSpec': {
      type: 'object',
      properties: {
        ratio: { type: 'number', format: 'double' },
        config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        children: { type: 'array', items: { $ref: '#/definitions/io.k8s.api.example.v1.WidgetSpec' } },
      },
    },
  };
  const schemas = new StructuralSchemas(defs);
  const run = (o: unknown) => schemas.check('example.io', 'v1', 'Widget', o)?.unknownFields;

  it('given a schema without apiVersion and kind, then they are still known at the top', () => {
    expect(run({ apiVersion: 'example.io/v1', kind: 'Widget', metadata: {} })).toEqual([]);
  });

  it('given a double, then any number is fine and a string is not', () => {
    expect(schemas.check('example.io', 'v1', 'Widget', { spec: { ratio: 0.25 } })?.typeError).toBeUndefined();
    expect(schemas.check('example.io', 'v1', 'Widget', { spec: { ratio: '0.25' } })?.typeError).toEqual({ value: 'string', field: 'spec.ratio', goType: 'float64' });
  });

  it('given x-kubernetes-preserve-unknown-fields, then anything goes below it', () => {
    expect(run({ spec: { config: { any: { deep: [1] } } } })).toEqual([]);
  });

  it('given a self-referencing definition, then nested levels are checked too', () => {
    expect(run({ spec: { children: [{ ratio: 0.5, children: [{ ratioz: 1 }] }] } })).toEqual(['spec.children[0].children[0].ratioz']);
  });
});

describe('admit with fieldValidation=Warn', () => {
  it('given unknown fields and a warnings list, then each becomes a warning and the object is admitted', () => {
    const warnings: string[] = [];
    expect(admit(resource('Pod'), pod({ containerz: [] }), { warnings }).kind).toBe('Pod');
    expect(warnings).toEqual(['unknown field "spec.containerz"']);
  });

  it('given a type error and strict validation, then the type error comes first', () => {
    expect(() => admit(resource('Pod'), pod({ hostNetwork: 1, containerz: [] }), { strict: true })).toThrow(expect.objectContaining({ code: 400, message: expect.stringContaining('cannot unmarshal number') }));
  });
});
