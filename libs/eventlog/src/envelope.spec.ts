import { envelopeJson, type Envelope } from './envelope';

describe('envelopeJson', () => {
  const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'a', image: 'x "y"' }] } };

  it('is the envelope with the object serialised by the caller', () => {
    const e: Envelope = { type: 'Created', object, actor: 'user:admin', cause: 12, correlation: 'c-1', time: '2026-11-26T18:00:00.000Z' };
    expect(JSON.parse(envelopeJson(e, JSON.stringify(object)))).toEqual(e);
  });

  it('leaves out absent optional members, as JSON.stringify does', () => {
    const e: Envelope = { type: 'Deleted', object, actor: 'controller:gc', time: '2026-11-26T18:00:00.000Z' };
    const parsed = JSON.parse(envelopeJson({ ...e, cause: undefined }, JSON.stringify(object)));
    expect(parsed).toEqual(e);
    expect('cause' in parsed).toBe(false);
  });
});
