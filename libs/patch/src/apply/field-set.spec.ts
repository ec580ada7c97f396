import { FieldSet, pathString } from './field-set';

describe('FieldSet', () => {
  it('round-trips FieldsV1, writing "." first and f:, k:, v:, i: elements in that order', () => {
    const v1 = { 'f:metadata': { 'f:finalizers': { '.': {}, 'v:"a"': {} }, 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"b"}': { '.': {}, 'f:image': {} } } } };
    const shuffled = { 'f:spec': v1['f:spec'], 'f:metadata': { 'f:labels': { 'f:app': {} }, 'f:finalizers': { 'v:"a"': {}, '.': {} } } };
    expect(JSON.stringify(FieldSet.fromFieldsV1(shuffled).toFieldsV1())).toBe(JSON.stringify(v1));
  });

  it('given two sets, then union, difference and intersection work member by member', () => {
    const a = FieldSet.fromFieldsV1({ 'f:spec': { 'f:replicas': {}, 'f:paused': {} } });
    const b = FieldSet.fromFieldsV1({ 'f:spec': { 'f:replicas': {}, 'f:minReadySeconds': {} } });
    expect(a.union(b).toFieldsV1()).toEqual({ 'f:spec': { 'f:minReadySeconds': {}, 'f:paused': {}, 'f:replicas': {} } });
    expect(a.difference(b).toFieldsV1()).toEqual({ 'f:spec': { 'f:paused': {} } });
    expect(a.intersection(b).toFieldsV1()).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(a.difference(a).empty).toBe(true);
  });

  it.each([
    [['f:spec', 'f:replicas'], '.spec.replicas'],
    [['f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:image'], '.spec.containers[name="nginx"].image'],
    [['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}'], '.spec.ports[port=80,protocol="TCP"]'],
    [['f:metadata', 'f:finalizers', 'v:"x"'], '.metadata.finalizers[="x"]'],
    [['f:spec', 'f:args', 'i:0'], '.spec.args[0]'],
  ])('prints %j as %s', (path, printed) => {
    expect(pathString(path)).toBe(printed);
  });
});
