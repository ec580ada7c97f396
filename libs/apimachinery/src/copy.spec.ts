import { deepCopyJson } from './copy';

describe('deepCopyJson', () => {
  it('copies nested objects and arrays so that changing the copy leaves the original alone', () => {
    const original = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', ports: [{ containerPort: 80 }] }] } };
    const copy = deepCopyJson(original);
    expect(copy).toEqual(original);
    copy.metadata.labels.app = 'db';
    copy.spec.containers[0].ports[0].containerPort = 81;
    expect(original.metadata.labels.app).toBe('web');
    expect(original.spec.containers[0].ports[0].containerPort).toBe(80);
  });

  it('gives what a JSON round trip gives for undefined values', () => {
    const v = { a: undefined, b: [1, undefined], c: null, d: '' };
    expect(deepCopyJson(v)).toStrictEqual(JSON.parse(JSON.stringify(v)));
  });
});
