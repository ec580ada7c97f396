import type { KubeObject } from '@keelson/apimachinery';
import { foldStringData } from './strategy';

const secret = (fields: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, ...fields });
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('foldStringData (a Secret decoded from a request)', () => {
  it.each([
    ['stringData only', { stringData: { token: 'abc' } }, { token: b64('abc') }],
    ['data and stringData', { data: { a: b64('1') }, stringData: { b: '2' } }, { a: b64('1'), b: b64('2') }],
    ['the same key in both: stringData wins', { data: { a: b64('old') }, stringData: { a: 'new' } }, { a: b64('new') }],
  ])('given %s, then it lands base64-encoded in data and stringData is gone', (_what, fields, data) => {
    const out = foldStringData(secret(fields));
    expect(out.data).toEqual(data);
    expect(out).not.toHaveProperty('stringData');
  });

  it('given a Secret without stringData, then it is returned unchanged', () => {
    const s = secret({ data: { a: b64('1') } });
    expect(foldStringData(s)).toBe(s);
  });

  it('given another kind with a stringData field, then nothing is folded', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, stringData: { a: '1' } };
    expect(foldStringData(cm)).toBe(cm);
  });
});
