import { admit } from './admit';
import { decodeError, unknownFields } from './schema';
import { object, podSpec, resource, template } from './testing';

const deployment = (spec: Record<string, unknown>) => object('Deployment', { spec: { selector: { matchLabels: { app: 'nginx' } }, template: template(), ...spec } });

describe('unknownFields', () => {
  it('given only known fields, then there are none', () => {
    expect(unknownFields(resource('Deployment'), deployment({}))).toEqual([]);
  });

  it('given misspelt fields at several depths, then each is named by its path', () => {
    const d = deployment({ replicaz: 2, template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'a', image: 'x', imagez: 'y' }] } } });
    (d as Record<string, unknown>).extra = true;
    expect(unknownFields(resource('Deployment'), d).sort()).toEqual(['extra', 'spec.replicaz', 'spec.template.spec.containers[0].imagez']);
  });

  it('given maps (labels, annotations, data), then their keys are never unknown', () => {
    const cm = object('ConfigMap', { data: { anything: 'x' } }, { labels: { any: 'x' }, annotations: { 'a/b': 'c' } });
    expect(unknownFields(resource('ConfigMap'), cm)).toEqual([]);
  });

  it('given a free-form field (ControllerRevision data), then its content is not checked', () => {
    expect(unknownFields(resource('ControllerRevision'), object('ControllerRevision', { revision: 1, data: { whatever: { nested: 1 } } }))).toEqual([]);
  });

  it('given a batch/v1beta1 CronJob, then the v1beta1 schema is used', () => {
    const cj = { ...object('CronJob', { spec: { schedule: '* * * * *', jobTemplate: { spec: { template: template() } }, schedulez: 1 } }), apiVersion: 'batch/v1beta1' };
    expect(unknownFields(resource('CronJob'), cj)).toEqual(['spec.schedulez']);
  });
});

describe('decodeError', () => {
  it('given well-typed input, then there is none', () => {
    expect(decodeError(resource('Pod'), object('Pod', { spec: podSpec() }))).toBeUndefined();
  });

  it('given a string where an int belongs, then it is a 400 in Go decoder words', () => {
    const err = decodeError(resource('Deployment'), deployment({ replicas: '2' }));
    expect(err?.code).toBe(400);
    expect(err?.reason).toBe('BadRequest');
    expect(err?.message).toBe('Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field Deployment.spec.replicas of type int32');
  });

  it('given a bool for an int-or-string, then the type is IntOrString', () => {
    const svc = object('Service', { spec: { ports: [{ port: 80, targetPort: true }] } });
    expect(decodeError(resource('Service'), svc)?.message).toMatch(/cannot unmarshal bool into Go struct field Service\.spec\.ports\.targetPort of type intstr\.IntOrString$/);
  });

  it('given a missing required field, then it is left to validation', () => {
    expect(decodeError(resource('Deployment'), object('Deployment', { spec: { template: template() } }))).toBeUndefined();
  });
});

describe('admit', () => {
  it('given a valid object, then it returns the defaulted copy', () => {
    expect(admit(resource('Deployment'), deployment({})).spec).toMatchObject({ replicas: 1 });
  });

  it('given invalid input, then it throws a 422 Invalid with every cause', () => {
    expect(() => admit(resource('Deployment'), deployment({ replicas: -1, selector: { matchLabels: { app: 'web' } } }))).toThrow(
      expect.objectContaining({ code: 422, reason: 'Invalid', message: 'Deployment.apps "x" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.template.metadata.labels: Invalid value: {"app":"nginx"}: `selector` does not match template `labels`' }),
    );
  });

  it('given an unknown field and strict field validation, then it throws a strict decoding error', () => {
    expect(() => admit(resource('Pod'), object('Pod', { spec: { ...podSpec(), containerz: [] } }), { strict: true })).toThrow(
      expect.objectContaining({ code: 400, message: 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containerz"' }),
    );
  });

  it('given an unknown field without strict validation, then it is admitted', () => {
    expect(() => admit(resource('Pod'), object('Pod', { spec: { ...podSpec(), containerz: [] } }))).not.toThrow();
  });
});
