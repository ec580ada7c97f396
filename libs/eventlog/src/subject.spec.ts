import { filterFor, parseSubject, resourceToken, subjectFor } from './subject';

describe('subject codec', () => {
  it.each([
    [{ group: '', plural: 'pods', namespace: 'default', name: 'web-0' }, 'keelson.obj.pods.default.web-0'],
    [{ group: 'apps', plural: 'deployments', namespace: 'default', name: 'nginx-deployment' }, 'keelson.obj.deployments_apps.default.nginx-deployment'],
    [{ group: '', plural: 'nodes', name: 'keelson-node-1' }, 'keelson.obj.nodes._.keelson-node-1'],
    [{ group: 'networking.k8s.io', plural: 'ingresses', namespace: 'web', name: 'example.com' }, 'keelson.obj.ingresses_networking_k8s_io.web.example~com'],
  ])('writes %j as %s', (key, subject) => {
    expect(subjectFor(key)).toBe(subject);
  });

  it('reads back what it wrote, dots in names included', () => {
    const key = { group: 'storage.k8s.io', plural: 'storageclasses', name: 'local.path.v1' };
    expect(parseSubject(subjectFor(key))).toEqual({ resourceToken: 'storageclasses_storage_k8s_io', namespace: undefined, name: 'local.path.v1' });
  });

  it('gives every resource its own token', () => {
    expect(resourceToken('batch', 'cronjobs')).toBe('cronjobs_batch');
    expect(resourceToken('', 'events')).not.toBe(resourceToken('events.k8s.io', 'events'));
  });

  it('filters one resource across namespaces or within one', () => {
    expect(filterFor('apps', 'replicasets')).toBe('keelson.obj.replicasets_apps.*.*');
    expect(filterFor('', 'pods', 'kube-system')).toBe('keelson.obj.pods.kube-system.*');
  });

  it('uses a given prefix so that test streams do not overlap', () => {
    expect(subjectFor({ group: '', plural: 'pods', namespace: 'a', name: 'b' }, 't1.obj')).toBe('t1.obj.pods.a.b');
  });

  it('refuses a subject that is not an object subject', () => {
    expect(() => parseSubject('keelson.obj.pods')).toThrow(/not an object subject/);
  });
});
