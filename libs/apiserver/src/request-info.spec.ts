import { StatusError } from '@keelson/apimachinery';
import { resolveRequest } from './request-info';

const q = (s = '') => new URLSearchParams(s);
const resolve = (method: string, path: string, query = '') => {
  const r = resolveRequest(method, path, q(query));
  return r && { verb: r.verb, group: r.group, version: r.version, resource: r.resource.plural, namespace: r.namespace, name: r.name, subresource: r.subresource };
};

describe('resolveRequest', () => {
  it.each([
    ['GET', '/api/v1/namespaces/default/pods', '', { verb: 'list', group: '', version: 'v1', resource: 'pods', namespace: 'default', name: undefined, subresource: undefined }],
    ['GET', '/api/v1/pods', '', { verb: 'list', group: '', version: 'v1', resource: 'pods', namespace: undefined, name: undefined, subresource: undefined }],
    ['GET', '/api/v1/namespaces/default/pods/web-0', '', { verb: 'get', group: '', version: 'v1', resource: 'pods', namespace: 'default', name: 'web-0', subresource: undefined }],
    ['GET', '/api/v1/namespaces/default/pods', 'watch=true', { verb: 'watch', group: '', version: 'v1', resource: 'pods', namespace: 'default', name: undefined, subresource: undefined }],
    ['GET', '/api/v1/watch/namespaces/default/pods', '', { verb: 'watch', group: '', version: 'v1', resource: 'pods', namespace: 'default', name: undefined, subresource: undefined }],
    ['POST', '/api/v1/namespaces/default/pods/web-0/binding', '', { verb: 'create', group: '', version: 'v1', resource: 'pods', namespace: 'default', name: 'web-0', subresource: 'binding' }],
    ['PUT', '/apis/apps/v1/namespaces/default/deployments/nginx/scale', '', { verb: 'update', group: 'apps', version: 'v1', resource: 'deployments', namespace: 'default', name: 'nginx', subresource: 'scale' }],
    ['DELETE', '/apis/batch/v1/namespaces/default/jobs', '', { verb: 'deletecollection', group: 'batch', version: 'v1', resource: 'jobs', namespace: 'default', name: undefined, subresource: undefined }],
    ['GET', '/apis/batch/v1beta1/namespaces/default/cronjobs/hello', '', { verb: 'get', group: 'batch', version: 'v1beta1', resource: 'cronjobs', namespace: 'default', name: 'hello', subresource: undefined }],
    ['GET', '/api/v1/nodes/keelson-node-1', '', { verb: 'get', group: '', version: 'v1', resource: 'nodes', namespace: undefined, name: 'keelson-node-1', subresource: undefined }],
  ])('%s %s?%s', (method, path, query, expected) => {
    expect(resolve(method, path, query)).toEqual(expected);
  });

  it('reads the namespace itself, and its status, at /api/v1/namespaces/{name}', () => {
    expect(resolve('GET', '/api/v1/namespaces/keelson-demo')).toMatchObject({ verb: 'get', resource: 'namespaces', name: 'keelson-demo', namespace: undefined, subresource: undefined });
    expect(resolve('PUT', '/api/v1/namespaces/keelson-demo/status')).toMatchObject({ verb: 'update', resource: 'namespaces', name: 'keelson-demo', subresource: 'status' });
    expect(resolve('GET', '/api/v1/namespaces')).toMatchObject({ verb: 'list', resource: 'namespaces' });
  });

  it('leaves discovery and health paths to others', () => {
    expect(resolve('GET', '/api')).toBeNull();
    expect(resolve('GET', '/apis/apps/v1')).toBeNull();
    expect(resolve('GET', '/healthz')).toBeNull();
  });

  it.each([
    ['/api/v1/namespaces/default/widgets'],
    ['/apis/apps/v1/namespaces/default/deployments/nginx/bogus'],
  ])('answers 404 for %s', (path) => {
    expect(() => resolveRequest('GET', path, q())).toThrow(StatusError);
  });

  it('refuses methods Kubernetes does not serve', () => {
    expect(() => resolveRequest('OPTIONS', '/api/v1/pods', q())).toThrow(/does not allow this method/);
  });
});
