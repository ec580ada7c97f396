import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nginxLayout } from './layout';
import { buildLoadBalancer } from './model';
import { ingressAtLine, quote, renderNginxConf } from './nginx-conf';
import { parseNginxErrors } from './nginx-errors';
import { backend, clusterState, CONTROLLER, ingress, path, rule, service, tlsSecret } from './testing';

// Golden files: the whole nginx.conf for a given cluster, read by a person once and then held
// still. `UPDATE_GOLDEN=1 npx jest … nginx-conf` rewrites them after an intended change; the
// diff is then the change to review. The real nginx parses them in the controller's int spec.
const testdata = (name: string) => join(__dirname, 'testdata', name);
function expectGolden(name: string, text: string): void {
  if (process.env.UPDATE_GOLDEN || !existsSync(testdata(name))) writeFileSync(testdata(name), text);
  expect(text).toBe(readFileSync(testdata(name), 'utf8'));
}

const layout = nginxLayout('/var/lib/keelson/ingress');
const ports = { httpPort: 80, httpsPort: 443 };

/** The e2e spec's cluster: the seed's hostnames behind two hosts, one with TLS, a wildcard host and a catch-all. */
function demoCluster() {
  const hostnames = service('hostnames', [{ name: 'default', port: 80, targetPort: 9376 }], ['10.244.1.5', '10.244.2.7', '10.244.3.4']);
  const web = service('web', [{ name: 'http', port: 8080, targetPort: 80 }], ['10.244.2.8'], ['10.244.1.6']);
  const secret = tlsSecret('example-tls', readFileSync(testdata('example.crt'), 'utf8'), readFileSync(testdata('example.key'), 'utf8'));
  return clusterState({
    backends: [hostnames, web],
    secrets: [secret],
    ingresses: [
      ingress('demo', {
        created: '2026-01-01T00:00:00Z',
        tls: [{ hosts: ['hostnames.example.com'], secretName: 'example-tls' }],
        rules: [
          rule('hostnames.example.com', path('/', 'Prefix', 'hostnames', 80), path('/healthz', 'Exact', 'web', 'http')),
          rule('*.web.example.com', path('/static', 'Prefix', 'web', 'http'), path('/legacy', 'ImplementationSpecific', 'missing', 80)),
        ],
      }),
      ingress('catch-all', { created: '2026-01-02T00:00:00Z', defaultBackend: backend('web', 'http'), annotations: { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '180' } }),
      ingress('other-class', { className: 'nginx', rules: [rule('elsewhere.example.com', path('/', 'Prefix', 'web', 'http'))] }),
    ],
  });
}

describe('nginx.conf from the load balancer', () => {
  it('renders a cluster with exact, wildcard and TLS hosts, a catch-all backend and a missing Service (golden)', () => {
    expectGolden('demo.conf', renderNginxConf(buildLoadBalancer(demoCluster(), { controller: CONTROLLER }), layout, ports));
  });

  it('renders an empty cluster as a server answering 404 to everything (golden)', () => {
    expectGolden('empty.conf', renderNginxConf(buildLoadBalancer(clusterState({}), { controller: CONTROLLER }), layout, { ...ports, listenAddress: '127.0.0.1' }));
  });

  it('puts a configuration-snippet into the locations of its Ingress only when snippets are allowed', () => {
    const snippet = 'add_header X-Snippet "yes";\nmore_set_headers "bad";';
    const state = clusterState({ backends: [service('web', [{ port: 80, targetPort: 80 }], ['10.244.1.2'])], ingresses: [ingress('snippy', { annotations: { 'nginx.ingress.kubernetes.io/configuration-snippet': snippet }, rules: [rule('s.example.com', path('/', 'Prefix', 'web'))] })] });
    expect(renderNginxConf(buildLoadBalancer(state, { controller: CONTROLLER }), layout, ports)).not.toContain('X-Snippet');
    const conf = renderNginxConf(buildLoadBalancer(state, { controller: CONTROLLER, allowSnippets: true }), layout, ports);
    expect(conf).toContain('add_header X-Snippet "yes";');
    // nginx names the line it fails on; the location it is in names the Ingress.
    const line = conf.split('\n').findIndex((l) => l.includes('more_set_headers')) + 1;
    expect(ingressAtLine(conf, line)).toBe('default/snippy');
    const server = conf.split('\n').findIndex((l) => l.includes('# host s.example.com'));
    expect(ingressAtLine(conf, conf.split('\n').findIndex((l, i) => i > server && l.includes('location "/"')) + 1)).toBe('default/snippy');
    expect(ingressAtLine(conf, conf.split('\n').findIndex((l) => l.includes('worker_processes')) + 1)).toBeUndefined();
  });

  it('redirects to a non-standard HTTPS port with the port in the Location', () => {
    const conf = renderNginxConf(buildLoadBalancer(demoCluster(), { controller: CONTROLLER }), layout, { httpPort: 8080, httpsPort: 8443 });
    expect(conf).toContain('return 308 https://$host:8443$request_uri;');
    expect(conf).toContain('listen 8443 ssl http2 default_server;');
  });

  it('quotes strings so that nothing in them ends a directive', () => {
    expect(quote('/a"b\\c;{}')).toBe('"/a\\"b\\\\c;{}"');
  });
});

describe("nginx -t's complaints", () => {
  it('finds the messages and the lines they name, in both of the forms nginx prints', () => {
    const out = [
      'nginx: [emerg] unexpected "}" in /s/nginx/nginx.conf.next:57',
      '2026/11/26 18:46:09 [emerg] 14568#14568: unknown directive "more_set_headers" in /s/nginx/nginx.conf.next:89',
      '2026/11/26 18:46:09 [emerg] 14568#14568: cannot load certificate "/s/certs/x.pem": PEM_read_bio_X509_AUX() failed',
      'nginx: configuration file /s/nginx/nginx.conf.next test failed',
    ].join('\n');
    expect(parseNginxErrors(out)).toEqual([
      { level: 'emerg', message: 'unexpected "}"', line: 57 },
      { level: 'emerg', message: 'unknown directive "more_set_headers"', line: 89 },
      { level: 'emerg', message: 'cannot load certificate "/s/certs/x.pem": PEM_read_bio_X509_AUX() failed' },
    ]);
  });
});
