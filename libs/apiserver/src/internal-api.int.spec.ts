// The internal door: controllers and node agents call `keelson.api.request` over NATS with
// Nest's client and get the same handlers kubectl gets, and the log records who asked (actor)
// and why (cause). The only test file whose server answers keelson.api.* — every test server
// shares one NATS, and two answering the same subject would take each other's requests.
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import type { NatsConnection } from 'nats';
import { natsConnect, natsUrl } from '@keelson/testing';
import { kubeClient, startTestApiServer, type TestApiServer } from '@keelson/testing/apiserver';

let api: TestApiServer;
let client: ClientProxy;
let nc: NatsConnection;

interface Reply {
  ok: boolean;
  code?: number;
  object?: any;
  status?: any;
}

const call = (req: { method: string; path: string; body?: unknown; actor: string; cause?: number; patchType?: string }) =>
  firstValueFrom(client.send<Reply>('keelson.api.request', req).pipe(timeout(15_000)));

/** The envelope of the last log entry for one object, read straight from the stream. */
async function lastEnvelope(plural: string, namespace: string, name: string): Promise<{ seq: number; envelope: any }> {
  const jsm = await nc.jetstreamManager();
  const m = await jsm.streams.getMessage(api.stream, { last_by_subj: `${api.subjectPrefix}.${plural}.${namespace}.${name}` });
  return { seq: m.seq, envelope: JSON.parse(new TextDecoder().decode(m.data)) };
}

beforeAll(async () => {
  api = await startTestApiServer(__filename, { internalApi: true });
  client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [natsUrl()] } });
  await client.connect();
  nc = await natsConnect();
});
afterAll(async () => {
  await client?.close();
  await nc?.close();
  await api?.close();
});

const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { from: 'nats' } });

describe('given a controller that calls keelson.api.request', () => {
  it('when it creates an object, then the reply carries it and the HTTP API serves the same object', async () => {
    const reply = await call({ method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: configMap('via-nats'), actor: 'controller:test' });
    expect(reply).toMatchObject({ ok: true, code: 201, object: { kind: 'ConfigMap', metadata: { name: 'via-nats', namespace: 'default' }, data: { from: 'nats' } } });
    const overHttp = (await kubeClient(api.url)('GET', '/api/v1/namespaces/default/configmaps/via-nats')).body;
    expect(overHttp.metadata).toMatchObject({ uid: reply.object.metadata.uid, resourceVersion: reply.object.metadata.resourceVersion });
  });

  it('when it writes with a cause, then the log entry records its actor and cause', async () => {
    const cause = (await lastEnvelope('configmaps', 'default', 'via-nats')).seq;
    const reply = await call({ method: 'PATCH', path: '/api/v1/namespaces/default/configmaps/via-nats', body: { data: { step: '2' } }, patchType: 'merge', actor: 'controller:test', cause });
    expect(reply.ok).toBe(true);

    const { seq, envelope } = await lastEnvelope('configmaps', 'default', 'via-nats');
    expect(String(seq)).toBe(reply.object.metadata.resourceVersion);
    expect(envelope).toMatchObject({ type: 'Updated', actor: 'controller:test', cause, object: { metadata: { name: 'via-nats' }, data: { from: 'nats', step: '2' } } });
    expect(Date.parse(envelope.time)).not.toBeNaN();
  });

  it('when it reads, then it gets the current object', async () => {
    const reply = await call({ method: 'GET', path: '/api/v1/namespaces/default/configmaps/via-nats', actor: 'controller:test' });
    expect(reply).toMatchObject({ ok: true, code: 200, object: { data: { step: '2' } } });
  });

  it('when the HTTP door writes without naming an actor, then the log says user:admin and no cause', async () => {
    await kubeClient(api.url)('POST', '/api/v1/namespaces/default/configmaps', configMap('via-http'));
    const { envelope } = await lastEnvelope('configmaps', 'default', 'via-http');
    expect(envelope.actor).toBe('user:admin');
    expect(envelope.cause).toBeUndefined();
  });
});

describe('given a bad request over NATS', () => {
  it.each([
    ['an invalid object', { method: 'POST', path: '/api/v1/namespaces/default/pods', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } } }, 422, 'Invalid'],
    ['an existing name', { method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: configMap('via-nats') }, 409, 'AlreadyExists'],
    ['a missing object', { method: 'GET', path: '/api/v1/namespaces/default/configmaps/nothing' }, 404, 'NotFound'],
    ['an unknown resource', { method: 'GET', path: '/api/v1/namespaces/default/gadgets' }, 404, 'NotFound'],
    ['a watch', { method: 'GET', path: '/api/v1/namespaces/default/configmaps?watch=true' }, 404, 'NotFound'],
    ['an unknown field (the internal door is always Strict)', { method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: { ...configMap('strict'), colour: 'blue' } }, 400, 'BadRequest'],
  ])('when it sends %s, then the reply is { ok: false, status } with the Kubernetes code and reason', async (_what, req, code, reason) => {
    const reply = await call({ ...req, actor: 'controller:test' });
    expect(reply.ok).toBe(false);
    expect(reply.status).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason });
  });

  it('then nothing was stored by the refused creates', async () => {
    const k = kubeClient(api.url);
    expect((await k('GET', '/api/v1/namespaces/default/pods/p')).code).toBe(404);
    expect((await k('GET', '/api/v1/namespaces/default/configmaps/strict')).code).toBe(404);
  });
});
