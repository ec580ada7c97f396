// CPU of the apiserver's create handler alone, in process: the request body parsed, the
// handler (admission, defaulting, managedFields), ObjectStore.append with the envelope encoded
// as EventLog.append encodes it, and the response serialised as the HTTP layer does — with the
// log append itself answered at once. The figure hardly depends on the machine's load, so a
// change to the create path can be judged by it.
//
//   node -r @swc-node/register tools/bench/create-path.ts [--creates=20000]
import { parseArgs } from 'node:util';
import type { KubeObject } from '@keelson/apimachinery';
import { ObjectStore, resolveRequest, type RequestContext } from '@keelson/apiserver';
import { envelopeJson, SecretBox, type AppendRequest, type EventLog } from '@keelson/eventlog';
import type { ObjectReader } from '@keelson/projection';
import { create } from '../../libs/apiserver/src/handlers/create';
import { present } from '../../libs/apiserver/src/handlers/read';
import { toJson } from '../../libs/apiserver/src/object-json';
import { benchPod } from './pods';

const { values: flags } = parseArgs({ options: { creates: { type: 'string', default: '20000' } } });
const N = Number(flags.creates);
const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' }, status: { phase: 'Active' } };
let seq = 0;
/** EventLog.append's encoding, and an acknowledgement at once. */
const log = {
  append: async (a: AppendRequest) => {
    Buffer.from(a.objectJson === undefined ? JSON.stringify(a.envelope) : envelopeJson(a.envelope, a.objectJson));
    return { ...a.envelope, seq: ++seq, subject: 'bench' };
  },
} as unknown as EventLog;
const store = new ObjectStore(log, {} as ObjectReader, { waitFor: async () => undefined, checkpoint: 0 }, new SecretBox(Buffer.alloc(32)));
store.namespaces = { get: () => namespace } as unknown as ObjectStore['namespaces'];
const req = resolveRequest('POST', '/api/v1/namespaces/bench/pods', new URLSearchParams())!;
const bodies = Array.from({ length: 1000 }, (_, i) => JSON.stringify(benchPod('bench', `pod-${i}`, i)));

async function round(n: number): Promise<number> {
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const ctx: RequestContext = { actor: 'user:admin', fieldManager: 'kubectl-create', dryRun: false, fieldValidation: 'Warn', force: false, warnings: [] };
    const body = JSON.parse(bodies[i % bodies.length]) as KubeObject;
    body.metadata.name = `pod-${i}`;
    Buffer.from(toJson(present(req, await create(store, req, body, ctx))));
  }
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / n;
}

async function main(): Promise<void> {
  await round(Math.min(N, 3000)); // JIT warm-up
  const samples = [await round(N), await round(N), await round(N)];
  console.log(`create handler: ${samples.map((s) => s.toFixed(1)).join(' / ')} µs CPU per create (best ${Math.min(...samples).toFixed(1)})`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
