import { openapiV2Json, openapiV3GroupVersion, openapiV3Index } from './openapi';
import { gnosticDocumentType, openapiV2Protobuf } from './openapi-v2-proto';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const v2 = () => openapiV2Json() as Json;

describe('OpenAPI v2', () => {
  it('every PATCH carries its GVK and the fieldValidation parameter, which is how kubectl decides to validate on the server', () => {
    const patches = Object.values(v2().paths as Json).flatMap((item: Json) => (item.patch ? [item.patch] : []));
    expect(patches.length).toBeGreaterThan(20);
    for (const op of patches) {
      expect(op['x-kubernetes-group-version-kind']).toEqual(expect.objectContaining({ kind: expect.any(String) }));
      expect(op.parameters.map((p: Json) => p.name)).toContain('fieldValidation');
    }
    expect(v2().paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'].patch['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });

  it('PATCH does not advertise strategic merge patch, so kubectl builds it from its own Go types', () => {
    expect(v2().paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch.consumes).not.toContain('application/strategic-merge-patch+json');
  });

  it('the Pod definition is tagged with its GVK and requires a container name', () => {
    const d = v2().definitions;
    expect(d['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind']).toEqual([{ group: '', version: 'v1', kind: 'Pod' }]);
    expect(d['io.k8s.api.core.v1.Container'].required).toEqual(['name']);
    expect(d['io.k8s.api.core.v1.Container'].properties.image).toEqual(expect.objectContaining({ type: 'string', description: expect.stringContaining('Container image name') }));
    expect(d['io.k8s.api.apps.v1.DeploymentSpec'].properties.replicas).toMatchObject({ type: 'integer', format: 'int32' });
    expect(d['io.k8s.api.batch.v1beta1.CronJob']['x-kubernetes-group-version-kind']).toEqual([{ group: 'batch', version: 'v1beta1', kind: 'CronJob' }]);
  });

  it('every $ref points at a definition (kubectl refuses the document otherwise)', () => {
    const refs = [...JSON.stringify(v2()).matchAll(/"\$ref":"#\/definitions\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.filter((r) => !v2().definitions[r])).toEqual([]);
  });

  it('the protobuf decodes back to the same paths, definitions and extensions', () => {
    const type = gnosticDocumentType();
    const doc = type.toObject(type.decode(openapiV2Protobuf())) as Json;
    expect(doc.swagger).toBe('2.0');
    expect(doc.paths.path.length).toBe(Object.keys(v2().paths).length);
    const pod = doc.paths.path.find((p: Json) => p.name === '/api/v1/namespaces/{namespace}/pods/{name}').value.patch;
    expect(pod.vendor_extension).toContainEqual({ name: 'x-kubernetes-group-version-kind', value: { yaml: '{"group":"","version":"v1","kind":"Pod"}' } });
    expect(pod.parameters.map((p: Json) => p.parameter.non_body_parameter?.query_parameter_sub_schema?.name)).toContain('fieldValidation');
    expect(doc.definitions.additional_properties.length).toBe(Object.keys(v2().definitions).length);
    expect(openapiV2Protobuf()).toBe(openapiV2Protobuf()); // cached
  });
});

describe('OpenAPI v3', () => {
  it('the index points at one document per served group version, with a content hash', () => {
    const { paths } = openapiV3Index();
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/batch/v1beta1', 'apis/autoscaling/v2']));
    expect(paths['apis/apps/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
  });

  it('a group version document has its paths and only the schemas they reach, referenced as components', () => {
    const doc = openapiV3GroupVersion('/openapi/v3/apis/apps/v1?hash=x') as Json;
    expect(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch.parameters.map((p: Json) => p.name)).toContain('fieldValidation');
    const schemas = doc.components.schemas;
    expect(schemas['io.k8s.api.apps.v1.Deployment'].properties.spec.$ref).toBe('#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec');
    expect(schemas['io.k8s.api.core.v1.Namespace']).toBeUndefined();
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.filter((r) => !schemas[r])).toEqual([]);
  });

  it('an unserved group version has no document', () => {
    expect(openapiV3GroupVersion('apis/apps/v1beta2')).toBeUndefined();
  });
});
