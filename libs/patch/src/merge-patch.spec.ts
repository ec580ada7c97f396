import { StatusError } from '@keelson/apimachinery';
import { applyMergePatch } from './merge-patch';

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', labels: { app: 'web', tier: 'fe' } },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'nginx:1' }, { name: 'b', image: 'redis' }] } } },
});

describe('applyMergePatch (RFC 7386)', () => {
  it.each([
    ['changes replicas', { spec: { replicas: 3 } }, (o: any) => o.spec.replicas, 3],
    ['deletes a label with null', { metadata: { labels: { tier: null } } }, (o: any) => o.metadata.labels, { app: 'web' }],
    ['adds a label, keeping the others', { metadata: { labels: { env: 'prod' } } }, (o: any) => o.metadata.labels, { app: 'web', tier: 'fe', env: 'prod' }],
    ['replaces a list whole', { spec: { template: { spec: { containers: [{ name: 'a', image: 'nginx:2' }] } } } }, (o: any) => o.spec.template.spec.containers, [{ name: 'a', image: 'nginx:2' }]],
    ['sets a new nested object', { spec: { strategy: { type: 'Recreate' } } }, (o: any) => o.spec.strategy, { type: 'Recreate' }],
    ['ignores null for a missing key', { spec: { paused: null } }, (o: any) => 'paused' in o.spec, false],
  ])('given a deployment, when the patch %s, then the result shows it', (_name, patch, read, expected) => {
    expect(read(applyMergePatch(deployment(), patch))).toEqual(expected);
  });

  it.each([[['a']], ['str'], [null]])('given a body that is not an object (%j), then it is 400 BadRequest', (body) => {
    expect(() => applyMergePatch(deployment(), body)).toThrow(StatusError);
    try {
      applyMergePatch(deployment(), body);
    } catch (e) {
      expect((e as StatusError).code).toBe(400);
    }
  });

  it('never mutates the object or the patch', () => {
    const input = deployment();
    const patch = { metadata: { labels: { tier: null, env: 'x' } }, spec: { template: { spec: { containers: [] } } } };
    const out = applyMergePatch(input, patch);
    expect(input).toEqual(deployment());
    expect(patch).toEqual({ metadata: { labels: { tier: null, env: 'x' } }, spec: { template: { spec: { containers: [] } } } });
    (out.metadata.labels as Record<string, string>).app = 'changed';
    expect(input.metadata.labels.app).toBe('web');
  });
});
