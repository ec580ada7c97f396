// Real kubectl (v1.32 and v1.27) against a stub API server that serves only our discovery and
// OpenAPI documents; every other request gets a 404 Status, except the create that a server-side
// dry run sends, which the stub records and echoes so we can see what kubectl asked for.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import {
  DISCOVERY_CONTENT_TYPE, OPENAPI_V2_PROTOBUF_CONTENT_TYPE, apiGroup, apiGroupDiscoveryList, apiGroupList, apiResourceList,
  apiVersions, negotiateDiscovery, openapiV2Json, openapiV2Protobuf, openapiV3GroupVersion, openapiV3Index,
} from './index';

const run = promisify(execFile);
// older kubectls sit beside the real kubectl binary, not on PATH
const kubectlDir = dirname(realpathSync(execFileSync('sh', ['-c', 'command -v kubectl']).toString().trim()));
const KUBECTLS = ['kubectl', join(kubectlDir, 'kubectl.1.27')];

interface Recorded { method: string; url: string; body: string }

function stub(recorded: Recorded[]): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      recorded.push({ method: req.method!, url: req.url!, body });
      const url = new URL(req.url!, 'http://x');
      const json = (value: unknown, status = 200, type = 'application/json') => {
        res.writeHead(status, { 'Content-Type': type });
        res.end(JSON.stringify(value));
      };
      const p = url.pathname;
      if (p === '/api' || p === '/apis') {
        const format = negotiateDiscovery(req.headers.accept);
        if (format !== 'legacy') return json(apiGroupDiscoveryList(p === '/api', format), 200, DISCOVERY_CONTENT_TYPE[format]);
        return json(p === '/api' ? apiVersions() : apiGroupList());
      }
      if (p === '/openapi/v2') {
        if ((req.headers.accept ?? '').includes('protobuf')) {
          res.writeHead(200, { 'Content-Type': OPENAPI_V2_PROTOBUF_CONTENT_TYPE });
          return res.end(openapiV2Protobuf());
        }
        return json(openapiV2Json());
      }
      if (p === '/openapi/v3') return json(openapiV3Index());
      if (p.startsWith('/openapi/v3/')) {
        const doc = openapiV3GroupVersion(p);
        if (doc) return json(doc);
      }
      const gv = /^\/(?:api\/(v1)|apis\/([^/]+)(?:\/([^/]+))?)$/.exec(p);
      if (gv) {
        const doc = gv[1] ? apiResourceList('', 'v1') : gv[3] ? apiResourceList(gv[2], gv[3]) : apiGroup(gv[2]);
        if (doc) return json(doc);
      }
      if (req.method === 'POST' && url.searchParams.get('dryRun') === 'All') return json(JSON.parse(body), 201);
      json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `${p} not found`, reason: 'NotFound', code: 404 }, 404);
    });
  });
}

const POD = `apiVersion: v1
kind: Pod
metadata: { name: web, namespace: default }
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    ports: [{ containerPort: 80 }]
    resources: { limits: { cpu: "1", memory: 64Mi } }
`;
const POD_WITH_UNKNOWN_FIELD = POD.replace('spec:\n', 'spec:\n  containerz: []\n');

describe('real kubectl against our discovery and OpenAPI', () => {
  const recorded: Recorded[] = [];
  let server: Server;
  let dir: string;
  const kubectl = (bin: string, ...args: string[]) =>
    run(bin, ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, `cache-${basename(bin)}`), ...args], { timeout: 60_000 });

  beforeAll(async () => {
    server = stub(recorded);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    dir = mkdtempSync(join(tmpdir(), 'keelson-openapi-'));
    writeFileSync(join(dir, 'kubeconfig'), `apiVersion: v1
kind: Config
clusters: [{ name: stub, cluster: { server: "http://127.0.0.1:${port}" } }]
users: [{ name: stub, user: {} }]
contexts: [{ name: stub, context: { cluster: stub, user: stub, namespace: default } }]
current-context: stub
`);
    writeFileSync(join(dir, 'pod.yaml'), POD);
    writeFileSync(join(dir, 'bad-pod.yaml'), POD_WITH_UNKNOWN_FIELD);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => recorded.splice(0));

  describe.each(KUBECTLS)('%s', (bin) => {
    it('given a valid pod, when applied with a client dry run and strict validation, then it succeeds', async () => {
      const { stdout } = await kubectl(bin, 'apply', '--dry-run=client', '-f', join(dir, 'pod.yaml'));
      expect(stdout).toContain('pod/web created (dry run)');
      // kubectl read the OpenAPI to decide where to validate
      expect(recorded.some((r) => r.url.startsWith('/openapi/'))).toBe(true);
    });

    it('given a pod with an unknown field, when applied with a server dry run, then kubectl defers validation to the server with fieldValidation=Strict', async () => {
      await kubectl(bin, 'apply', '--dry-run=server', '-f', join(dir, 'bad-pod.yaml'));
      if (process.env.SHOW_REQUESTS) console.log(recorded.map((r) => `${r.method} ${r.url}`).join('\n'));
      const create = recorded.find((r) => r.method === 'POST');
      expect(create?.url).toMatch(/^\/api\/v1\/namespaces\/default\/pods\?/);
      const query = new URL(create!.url, 'http://x').searchParams;
      expect(query.get('fieldValidation')).toBe('Strict');
      expect(query.get('dryRun')).toBe('All');
      expect(JSON.parse(create!.body).spec.containerz).toEqual([]);
    });

    it('when asked for api-resources, then it lists ours with short names and groups', async () => {
      const { stdout } = await kubectl(bin, 'api-resources');
      expect(stdout).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
      expect(stdout).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
      expect(stdout).toMatch(/^cronjobs\s+cj\s+batch\/v1\s+true\s+CronJob$/m);
    });

    it('when asked to explain pods.spec.containers, then it prints the container fields', async () => {
      const { stdout } = await kubectl(bin, 'explain', 'pods.spec.containers');
      expect(stdout).toMatch(/KIND:\s+Pod/);
      expect(stdout).toMatch(/image\s+<string>/);
      expect(stdout).toMatch(/name\s+<string> -required-/);
    });
  });
});
