import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildLoadBalancer, type LoadBalancer, type Server } from './model';
import { backend, clusterState, CONTROLLER, ingress, path, rule, service, tlsSecret } from './testing';

const pem = (name: string) => readFileSync(join(__dirname, 'testdata', name), 'utf8');
const hostnames = service('hostnames', [{ name: 'default', port: 80, targetPort: 9376 }], ['10.244.2.7', '10.244.1.5'], ['10.244.2.9']);
const web = service('web', [{ name: 'http', port: 8080, targetPort: 80 }], ['10.244.1.9']);
const empty = service('empty', [{ port: 80, targetPort: 8080 }], [], ['10.244.3.3']);
const build = (o: Parameters<typeof clusterState>[0]) => buildLoadBalancer(clusterState({ backends: [hostnames, web, empty], ...o }), { controller: CONTROLLER });

/** "= /foo → default-web-http" for each location of a host's server. */
function routes(lb: LoadBalancer, host: string): string[] {
  const server: Server | undefined = host ? lb.servers.find((s) => s.host === host) : lb.defaultServer;
  return (server?.locations ?? []).map((l) => `${l.match === 'exact' ? '=' : '^'} ${l.path} → ${l.target.kind === 'upstream' ? l.target.upstream.name : l.target.code}`);
}

describe('the load balancer the Ingresses describe', () => {
  it('sends a host to the ready pod addresses of the backend Service, by port number or by port name', () => {
    const lb = build({ ingresses: [ingress('a', { rules: [rule('h.example.com', path('/', 'Prefix', 'hostnames', 80), path('/web', 'Prefix', 'web', 'http'))] })] });
    expect(routes(lb, 'h.example.com')).toEqual(['^ / → default-hostnames-80', '= /web → default-web-http', '^ /web/ → default-web-http']);
    expect(lb.upstreams).toEqual([
      { name: 'default-hostnames-80', servers: ['10.244.1.5:9376', '10.244.2.7:9376'] },
      { name: 'default-web-http', servers: ['10.244.1.9:80'] },
    ]);
  });

  it('answers 503 for a Service that is missing, lacks the port, or has no ready endpoint', () => {
    const lb = build({ ingresses: [ingress('a', { rules: [rule('h.example.com', path('/gone', 'Exact', 'nope'), path('/port', 'Exact', 'web', 9999), path('/empty', 'Exact', 'empty', 80))] })] });
    expect(routes(lb, 'h.example.com')).toEqual(['^ / → 404', '= /empty → 503', '= /gone → 503', '= /port → 503']);
    expect(lb.upstreams).toEqual([]);
  });

  it('prefers Exact over Prefix for the same path, and the older Ingress for the same path and type', () => {
    const older = ingress('older', { created: '2026-01-01T00:00:00Z', rules: [rule('h.example.com', path('/foo', 'Prefix', 'web', 'http'))] });
    const newer = ingress('newer', { created: '2026-02-01T00:00:00Z', rules: [rule('h.example.com', path('/foo', 'Prefix', 'empty', 80), path('/foo', 'Exact', 'hostnames', 80))] });
    expect(routes(build({ ingresses: [newer, older] }), 'h.example.com')).toEqual(['^ / → 404', '= /foo → default-hostnames-80', '^ /foo/ → default-web-http']);
  });

  it('gives /foo of an Exact /foo/ an exact location of its own, so nginx does not redirect it to /foo/', () => {
    const lb = build({ ingresses: [ingress('a', { rules: [rule('h.example.com', path('/foo/', 'Exact', 'web', 'http'), path('/f', 'ImplementationSpecific', 'hostnames', 80))] })] });
    expect(routes(lb, 'h.example.com')).toEqual(['^ / → 404', '^ /f → default-hostnames-80', '= /foo → default-hostnames-80', '= /foo/ → default-web-http']);
  });

  it("gives a host's unmatched paths to the defaultBackend of the first Ingress with a rule for it", () => {
    const a = ingress('a', { created: '2026-01-01T00:00:00Z', rules: [rule('h.example.com', path('/a', 'Exact', 'web', 'http'))], defaultBackend: backend('hostnames', 80) });
    const b = ingress('b', { created: '2026-02-01T00:00:00Z', rules: [rule('h.example.com', path('/b', 'Exact', 'web', 'http'))], defaultBackend: backend('empty', 80) });
    expect(routes(build({ ingresses: [b, a] }), 'h.example.com')).toEqual(['^ / → default-hostnames-80', '= /a → default-web-http', '= /b → default-web-http']);
  });

  it('sends unknown hosts to the defaultBackend of an Ingress without rules, else answers 404', () => {
    expect(routes(build({ ingresses: [ingress('a', { rules: [rule('h.example.com', path('/', 'Prefix', 'web', 'http'))], defaultBackend: backend('hostnames', 80) })] }), '')).toEqual(['^ / → 404']);
    expect(routes(build({ ingresses: [ingress('catch', { defaultBackend: backend('hostnames', 80) })] }), '')).toEqual(['^ / → default-hostnames-80']);
  });

  it('puts rules without a host on the catch-all server', () => {
    expect(routes(build({ ingresses: [ingress('a', { rules: [rule(undefined, path('/api', 'Prefix', 'web', 'http'))] })] }), '')).toEqual(['^ / → 404', '= /api → default-web-http', '^ /api/ → default-web-http']);
  });

  it('serves nothing of Ingresses of other classes', () => {
    const lb = build({ ingresses: [ingress('theirs', { className: 'nginx', rules: [rule('h.example.com', path('/', 'Prefix', 'web', 'http'))] })] });
    expect(lb.servers).toEqual([]);
    expect(lb.served).toEqual([]);
  });

  it('gives a host HTTPS from a kubernetes.io/tls Secret that names it, redirecting plain HTTP unless told not to', () => {
    const secret = tlsSecret('example-tls', pem('example.crt'), pem('example.key'));
    const tls = [{ hosts: ['hostnames.example.com', 'a.web.example.com'], secretName: 'example-tls' }];
    const lb = build({
      secrets: [secret],
      ingresses: [
        ingress('a', { tls, rules: [rule('hostnames.example.com', path('/', 'Prefix', 'hostnames', 80)), rule('plain.example.com', path('/', 'Prefix', 'web', 'http'))] }),
        ingress('b', { tls, annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' }, rules: [rule('a.web.example.com', path('/', 'Prefix', 'web', 'http'))] }),
      ],
    });
    const server = (h: string) => lb.servers.find((s) => s.host === h)!;
    expect(server('hostnames.example.com').certificate?.secret).toBe('default/example-tls');
    expect(server('hostnames.example.com').locations[0].sslRedirect).toBe(true);
    expect(server('a.web.example.com').certificate?.secret).toBe('default/example-tls');
    expect(server('a.web.example.com').locations[0].sslRedirect).toBe(false);
    expect(server('plain.example.com').certificate).toBeUndefined();
    expect(lb.certificates.map((c) => c.file)).toEqual([expect.stringMatching(/^default-example-tls-[0-9a-f]{12}\.pem$/)]);
    expect(lb.certificates[0].pem).toBe(`${pem('example.crt').trim()}\n${pem('example.key').trim()}\n`);
    expect(lb.warnings).toEqual([]);
  });

  it('serves a host without TLS, with a warning, when its Secret is missing, not TLS, or for another name', () => {
    const tls = (secretName: string) => [{ hosts: ['hostnames.example.com'], secretName }];
    const cases: [string, ReturnType<typeof tlsSecret>[], RegExp][] = [
      ['missing', [], /secret default\/missing not found/],
      ['opaque', [{ ...tlsSecret('opaque', pem('example.crt'), pem('example.key')), type: 'Opaque' }], /is of type Opaque/],
      ['other', [tlsSecret('other', pem('other.crt'), pem('other.key'))], /does not name hostnames\.example\.com/],
      ['mismatch', [tlsSecret('mismatch', pem('example.crt'), pem('other.key'))], /tls\.key does not match tls\.crt/],
    ];
    for (const [name, secrets, message] of cases) {
      const lb = build({ secrets, ingresses: [ingress('a', { tls: tls(name), rules: [rule('hostnames.example.com', path('/', 'Prefix', 'hostnames', 80))] })] });
      expect(lb.servers[0].certificate).toBeUndefined();
      expect(lb.warnings).toEqual([{ ingress: 'default/a', reason: 'BadConfig', message: expect.stringMatching(message) }]);
    }
  });

  it('skips paths it cannot put into nginx safely, and says so', () => {
    const lb = build({ ingresses: [ingress('a', { rules: [rule('h.example.com', path('/a b', 'Prefix', 'web', 'http'))] })] });
    expect(routes(lb, 'h.example.com')).toEqual(['^ / → 404']);
    expect(lb.warnings).toEqual([{ ingress: 'default/a', reason: 'BadConfig', message: expect.stringContaining('"/a b" cannot be served') }]);
  });
});
