import { Errors, type KubeObject, type Status } from '@keelson/apimachinery';
import { filterFor, parseSubject, subjectFor, watchEventType, type LogEntry } from '@keelson/eventlog';
import type { ResourceRequest } from '../request-info';
import { isTrue } from '../request-info';
import type { ObjectStore } from '../store';
import { keyOf } from '../store';
import { list, parseSelection, present, selects } from './read';

// A watch is an ordered JetStream consumer on the resource's subjects, started right after the
// version the client has seen. With a selector, an object that stops matching is reported as
// DELETED and one that starts matching as ADDED, as the Kubernetes watch cache does.

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject | Status;
}

export interface WatchSink {
  send(e: WatchEvent): void | Promise<void>;
  /** aborted when the client goes away */
  readonly signal: AbortSignal;
}

const BOOKMARK_INTERVAL_MS = 5_000;

export async function watch(store: ObjectStore, req: ResourceRequest, query: URLSearchParams, sink: WatchSink): Promise<void> {
  const sel = parseSelection(req, query);
  const rv = query.get('resourceVersion') ?? '';
  const bookmarks = isTrue(query.get('allowWatchBookmarks'));
  const initialEvents = query.get('sendInitialEvents') === null ? rv === '' || rv === '0' : isTrue(query.get('sendInitialEvents'));
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? 0);

  const ac = new AbortController();
  const stop = () => ac.abort();
  sink.signal.addEventListener('abort', stop, { once: true });
  const timer = timeoutSeconds > 0 ? setTimeout(stop, timeoutSeconds * 1000) : undefined;
  // Whether the client holds each object as matching (true) or not (false). After initial
  // events every object is known; when resuming from a version, an object not seen yet is taken
  // to have matched before iff it matches now (no transition is invented), and is known from then on.
  const inSelection = new Map<string, boolean>();
  let complete = false;
  let lastSent = 0;

  try {
    let from: number;
    if (initialEvents) {
      const listQuery = new URLSearchParams(query);
      listQuery.delete('limit');
      listQuery.delete('continue');
      if (rv === '') listQuery.delete('resourceVersion');
      const initial = await list(store, req, listQuery);
      for (const o of initial.items) {
        inSelection.set(`${o.metadata.namespace ?? ''}/${o.metadata.name}`, true);
        await sink.send({ type: 'ADDED', object: o });
      }
      lastSent = Number(initial.resourceVersion);
      complete = true;
      if (isTrue(query.get('sendInitialEvents'))) {
        await sink.send({ type: 'BOOKMARK', object: bookmark(req, lastSent, true) });
      }
      from = lastSent + 1;
    } else {
      const n = Number(rv);
      if (!Number.isSafeInteger(n) || n < 0) throw Errors.badRequest(`invalid resource version: ${rv}`);
      const { first, last } = await store.log.bounds();
      if (last >= first && n + 1 < first) {
        await sink.send({ type: 'ERROR', object: Errors.gone(`too old resource version: ${n} (${first - 1})`).toStatus() });
        return;
      }
      lastSent = n;
      from = n + 1;
    }

    const bookmarkTimer = bookmarks ? setInterval(() => void sink.send({ type: 'BOOKMARK', object: bookmark(req, lastSent, false) }), BOOKMARK_INTERVAL_MS) : undefined;
    try {
      const onEntry = (e: LogEntry) => {
        const ev = toWatchEvent(store, req, sel, inSelection, complete, e);
        lastSent = e.seq;
        if (ev) return sink.send(ev);
      };
      const filter = subjectFilter(store, req, query);
      // The shared cache serves watches of a whole resource (all namespaces or one, which the
      // watcher filters itself); a watch of one named object follows its own subject.
      const wholeResource = filter.endsWith('.*');
      const cached = store.watchCache && wholeResource
        ? await store.watchCache.subscribe(req.resource, from, (e) => {
            if (!req.namespace || namespaceOf(e) === req.namespace) void onEntry(e);
          }, ac.signal)
        : null;
      if (cached) await cached.done;
      else await store.log.follow(filter, from, onEntry, ac.signal);
    } finally {
      if (bookmarkTimer) clearInterval(bookmarkTimer);
    }
  } finally {
    if (timer) clearTimeout(timer);
    sink.signal.removeEventListener('abort', stop);
  }
}

/** The namespace of an entry, from its subject (`<prefix>.<resource>.<namespace>.<name>`). */
function namespaceOf(e: LogEntry): string | undefined {
  return parseSubject(e.subject).namespace;
}

/** Watching one named object (kubectl get pod x -w) follows just its subject. */
function subjectFilter(store: ObjectStore, req: ResourceRequest, query: URLSearchParams): string {
  const name = /^metadata\.name==?([^,]+)$/.exec(query.get('fieldSelector') ?? '')?.[1];
  if (name && (req.namespace || !req.resource.namespaced)) return subjectFor(keyOf(req.resource, req.namespace, name), store.log.prefix);
  return filterFor(req.resource.group, req.resource.plural, req.namespace, store.log.prefix);
}

function toWatchEvent(store: ObjectStore, req: ResourceRequest, sel: ReturnType<typeof parseSelection>, inSelection: Map<string, boolean>, complete: boolean, e: LogEntry): WatchEvent | null {
  const obj = present(req, store.decodeEntry(req.resource, e));
  const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
  const type = watchEventType(e.type);
  const now = selects(req, sel, obj);
  const known = inSelection.get(key);
  const was = known ?? (!complete && type !== 'ADDED' && now);
  if (type === 'DELETED') {
    if (complete) inSelection.delete(key); // unknown already means "not held" once the set is complete
    else inSelection.set(key, false);
    return was || now ? { type, object: obj } : null;
  }
  inSelection.set(key, now);
  if (now && !was) return { type: 'ADDED', object: obj };
  if (now && was) return { type: 'MODIFIED', object: obj };
  if (!now && was) return { type: 'DELETED', object: obj };
  return null;
}

function bookmark(req: ResourceRequest, rv: number, initialEventsEnd: boolean): KubeObject {
  const apiVersion = req.resource.group ? `${req.resource.group}/${req.version}` : req.version;
  return {
    apiVersion,
    kind: req.resource.kind,
    metadata: { resourceVersion: String(rv), ...(initialEventsEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}) },
  };
}
