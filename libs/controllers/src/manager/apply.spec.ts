import type { KubeObject } from '@keelson/apimachinery';
import { ActionFailed, applyActions, Writes, type ActionHandlers } from './apply';
import type { ControllerClient, WriteOptions } from './client';
import { EventRecorder } from './events';

// Given a recording API client, when a shell's actions are applied, then each request carries
// the sync's cause, in order, and the first failure stops the rest.

type Call = { verb: string; path: string; body?: unknown; opts?: WriteOptions };

function recordingClient(fail: (c: Call) => Error | undefined = () => undefined): ControllerClient & { calls: Call[] } {
  const calls: Call[] = [];
  const call = (verb: string) => async (path: string, body?: unknown, opts?: WriteOptions) => {
    const c = { verb, path, body, opts };
    calls.push(c);
    const err = fail(c);
    if (err) throw err;
    return { metadata: { name: path.split('/').pop() } } as KubeObject;
  };
  return { calls, get: call('get'), create: call('create'), update: call('update'), patch: call('patch'), delete: call('delete') };
}

const status = (code: number, reason: string) => Object.assign(new Error(reason), { code, reason });

type Action =
  | { type: 'createThing'; name: string }
  | { type: 'deleteThing'; name: string; uid: string }
  | { type: 'requeueAfter'; seconds: number };

function setup(fail?: (c: Call) => Error | undefined) {
  const client = recordingClient(fail);
  const write = new Writes(client, new EventRecorder(client, 'thing-controller', () => 0, () => undefined), 42, 'thing-controller');
  const handlers: ActionHandlers<Action> = {
    createThing: (a) => write.create('/things', { name: a.name }),
    deleteThing: (a) => write.remove(`/things/${a.name}`, a.uid),
  };
  return { client, write, handlers };
}

describe('applyActions', () => {
  it('given no actions, then it sends nothing and asks for no requeue', async () => {
    const { client, handlers } = setup();
    expect(await applyActions([], handlers)).toEqual({});
    expect(client.calls).toEqual([]);
  });

  it('sends every action in order, each with the sync’s cause and field manager', async () => {
    const { client, handlers } = setup();
    await applyActions<Action>([{ type: 'createThing', name: 'a' }, { type: 'deleteThing', name: 'b', uid: 'u-b' }], handlers);
    expect(client.calls).toEqual([
      { verb: 'create', path: '/things', body: { name: 'a' }, opts: { cause: 42, fieldManager: 'thing-controller' } },
      { verb: 'delete', path: '/things/b', body: { preconditions: { uid: 'u-b' } }, opts: { cause: 42, fieldManager: 'thing-controller' } },
    ]);
  });

  it('returns the shortest requeueAfter', async () => {
    const { handlers } = setup();
    const actions: Action[] = [{ type: 'requeueAfter', seconds: 30 }, { type: 'createThing', name: 'a' }, { type: 'requeueAfter', seconds: 5 }];
    expect(await applyActions(actions, handlers)).toEqual({ requeueAfterSeconds: 5 });
  });

  it('stops at the first failure, names the action, keeps the Status code, and reports what was not applied', async () => {
    const { client, handlers } = setup((c) => (c.body && (c.body as { name: string }).name === 'b' ? status(409, 'Conflict') : undefined));
    const notApplied: Action[][] = [];
    const actions: Action[] = [{ type: 'createThing', name: 'a' }, { type: 'createThing', name: 'b' }, { type: 'deleteThing', name: 'c', uid: 'u-c' }];
    const err = await applyActions(actions, handlers, { onStopped: (rest) => notApplied.push([...rest]) }).catch((e) => e);
    expect(err).toBeInstanceOf(ActionFailed);
    expect(err).toMatchObject({ action: 'createThing', code: 409, reason: 'Conflict' });
    expect(client.calls.map((c) => c.verb)).toEqual(['create', 'create']);
    expect(notApplied).toEqual([[actions[1], actions[2]]]);
  });

  it('sends a run of actions that go together concurrently, and does not start what follows when one of the run fails', async () => {
    const { client, handlers } = setup((c) => (c.path === '/things/x' ? status(500, 'InternalError') : undefined));
    const actions: Action[] = [
      { type: 'deleteThing', name: 'x', uid: '1' },
      { type: 'deleteThing', name: 'y', uid: '2' },
      { type: 'createThing', name: 'z' },
    ];
    const notApplied: Action[][] = [];
    const together = (p: Action, n: Action) => p.type === 'deleteThing' && n.type === 'deleteThing';
    await expect(applyActions(actions, handlers, { together, onStopped: (rest) => notApplied.push([...rest]) })).rejects.toThrow('deleteThing: InternalError');
    expect(client.calls.map((c) => c.path)).toEqual(['/things/x', '/things/y']);
    expect(notApplied).toEqual([[actions[0], actions[2]]]);
  });
});

describe('Writes.remove', () => {
  it('treats an object already gone as deleted, telling the caller it was not there', async () => {
    const { write } = setup((c) => (c.verb === 'delete' ? status(404, 'NotFound') : undefined));
    expect(await write.remove('/things/gone', 'u')).toBe(false);
  });

  it('sends no body when there is neither a uid nor an option', async () => {
    const { client, write } = setup();
    expect(await write.remove('/things/a')).toBe(true);
    expect(client.calls[0].body).toBeUndefined();
  });
});
