import type { KubeObject } from '@keelson/apimachinery';
import type { Envelope, LogEntry } from '@keelson/eventlog';
import { CopyBatch, CopyWriter } from './copy';
import { HistoryBatch } from './bulk-load';
import { textArray, writeEntryRows } from './entry-rows';
import { toRow } from './evolve';
import { historyRecord } from './writer';

// The replay and the live projector read envelopes as bytes; what they write must be what
// evolve.ts's toRow and writer.ts's historyRecord compute from the parsed entry.

function entry(seq: number, subject: string, envelope: Envelope, json = JSON.stringify(envelope)): { parsed: LogEntry; raw: { seq: number; subject: string; data: Uint8Array } } {
  const padded = Buffer.from(`garbage${json}more`); // a view into a larger buffer, as nats.js hands out
  return { parsed: { ...envelope, seq, subject }, raw: { seq, subject, data: padded.subarray(7, 7 + Buffer.byteLength(json)) } };
}

const pod = (extra: Partial<KubeObject> & { metadata?: Partial<KubeObject['metadata']> } = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  ...extra,
  metadata: { name: 'web-1', namespace: 'prod', uid: 'u-1', ...extra.metadata },
});

const cases: [string, string, Envelope][] = [
  ['a plain pod', 'keelson.obj.pods.prod.web-1', { type: 'Created', object: pod({ metadata: { labels: { app: 'web', tier: 'db' } } }), actor: 'user:admin', time: '2026-11-26T10:00:00.000Z' }],
  ['a bound, running pod with owners, cause and correlation', 'keelson.obj.pods.prod.web-1', {
    type: 'Bound',
    object: pod({ metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'owner-1' }, { apiVersion: 'v1', kind: 'X', name: 'x', uid: 'owner-2' }] }, spec: { nodeName: 'node-1', containers: [{ name: 'a', args: ['{"}', '\\', ']]'] }] }, status: { phase: 'Running' } }),
    actor: 'controller:scheduler',
    cause: 41,
    correlation: 'c-1',
    time: '2026-11-26T10:00:01.000Z',
  }],
  ['escapes, tabs and non-ASCII text', 'keelson.obj.configmaps.prod.cfg~v1', { type: 'Updated', object: pod({ kind: 'ConfigMap', metadata: { name: 'cfg.v1', labels: { 'é': 'ü "q"' } }, data: { 'a\tb': 'line\nbreak \\ "quoted" ☃' } as never }), actor: 'user:"we\\ird"\t', time: '2026-11-26T10:00:02.000Z' }],
  ['a cluster-scoped object with null labels and an empty node name', 'keelson.obj.nodes._.node-1', { type: 'StatusUpdated', object: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels: null as never }, spec: { nodeName: '' } }, actor: 'node:node-1', time: '2026-11-26T10:00:03.000Z' }],
];

function rows(raw: { seq: number; subject: string; data: Uint8Array }): { history: (string | null)[]; object: (string | null)[] | null } {
  const history = new CopyWriter();
  const object = new CopyWriter();
  const live = writeEntryRows(raw, history, object);
  const fields = (w: CopyWriter) => {
    const line = w.bytes().toString();
    expect(line.endsWith('\n')).toBe(true);
    return line.slice(0, -1).split('\t').map(uncopy);
  };
  return { history: fields(history), object: live ? fields(object) : null };
}

describe('writeEntryRows (replay rows from envelope bytes)', () => {
  it.each(cases)('writes the objects row toRow computes, but the object, which comes from history: %s', (_what, subject, envelope) => {
    const { parsed, raw } = entry(7, subject, envelope);
    const row = toRow(parsed);
    const fields = rows(raw).object!;
    expect(fields).toHaveLength(9);
    const [resource, namespace, name, uid, rv, labels, owners, nodeName, phase] = fields;
    expect({ resource, namespace, name, uid, rv: Number(rv), nodeName, phase }).toEqual({ resource: row.resource, namespace: row.namespace, name: row.name, uid: row.uid, rv: row.rv, nodeName: row.nodeName, phase: row.phase });
    expect(JSON.parse(labels!)).toEqual(row.labels);
    expect(owners).toBe(textArray(row.ownerUids));
    expect(row.object).toEqual(historyRecord(parsed).object); // the stored object is history's
  });

  it.each(cases)('writes the history row historyRecord writes, object JSON included: %s', (_what, subject, envelope) => {
    const { parsed, raw } = entry(7, subject, envelope, JSON.stringify(envelope, null, 1)); // whitespace too
    const fields = rows(raw).history;
    const h = historyRecord(parsed);
    expect(fields.slice(0, 9)).toEqual([h.seq, h.resource, h.namespace, h.name, h.type, h.actor, h.cause, h.correlation, h.time].map((v) => (v === null ? null : String(v))));
    expect(JSON.parse(fields[9]!)).toEqual(h.object);
  });

  it('writes no objects row for a tombstone, whose object still goes to history', () => {
    const { raw } = entry(9, 'keelson.obj.pods.prod.web-1', { type: 'Deleted', object: pod(), actor: 'user:admin', time: '2026-11-26T10:00:04.000Z' });
    const { history, object } = rows(raw);
    expect(object).toBeNull();
    expect(history[4]).toBe('Deleted');
  });

  it('keeps every objects row whole when history rows fill chunk after chunk, as in a replay', () => {
    const history = new CopyBatch();
    const object = new CopyWriter();
    const objects: string[] = [];
    const padding = 'x'.repeat(3000);
    for (let seq = 1; seq <= 300; seq++) { // ~1 MB of history: several 256 KB chunks
      const name = `web-${seq}`;
      const { raw } = entry(seq, `keelson.obj.pods.prod.${name}`, { type: 'Created', object: pod({ metadata: { name, uid: `u-${seq}`, annotations: { padding } } }), actor: 'user:admin', time: '2026-11-26T10:00:00.000Z' });
      if (writeEntryRows(raw, history, object)) objects.push(object.bytes().toString());
    }
    expect(history.done().length).toBeGreaterThan(3);
    expect(objects.map((line) => line.split('\t').slice(0, 5).join(' '))).toEqual(Array.from({ length: 300 }, (_, i) => `pods prod web-${i + 1} u-${i + 1} ${i + 1}`));
  });

  it('quotes text[] elements', () => {
    expect(textArray(['a', 'b"c', 'd\\e'])).toBe('{"a","b\\"c","d\\\\e"}');
  });
});

/** COPY text format back to a value: \N is null, backslash escapes undone. */
function uncopy(field: string): string | null {
  if (field === '\\N') return null;
  return field.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
}

describe("HistoryBatch (the live projector's rows from envelope bytes)", () => {
  it.each(cases)('picks the columns the live projector computes: %s', (_what, subject, envelope) => {
    const { parsed, raw } = entry(7, subject, envelope);
    const batch = new HistoryBatch();
    const { labels, ownerUids, ...columns } = batch.add(raw)!;
    const { object: _object, labels: liveLabels, ownerUids: liveOwners, ...live } = toRow(parsed);
    expect(columns).toEqual(live);
    expect(JSON.parse(labels)).toEqual(liveLabels);
    expect(ownerUids).toEqual(liveOwners);
  });

  it.each(cases)('writes the history row historyRecord writes, object JSON included: %s', (_what, subject, envelope) => {
    const { parsed, raw } = entry(7, subject, envelope, JSON.stringify(envelope, null, 1)); // whitespace too
    const batch = new HistoryBatch();
    batch.add(raw);
    const line = Buffer.concat((batch as unknown as { batch: { done(): Buffer[] } }).batch.done()).toString();
    const fields = line.replace(/\n$/, '').split('\t').map(uncopy);
    const h = historyRecord(parsed);
    expect(fields.slice(0, 9)).toEqual([h.seq, h.resource, h.namespace, h.name, h.type, h.actor, h.cause, h.correlation, h.time].map((v) => (v === null ? null : String(v))));
    expect(JSON.parse(fields[9]!)).toEqual(h.object);
  });

  it('returns null for a tombstone, whose object still goes to history', () => {
    const { raw } = entry(9, 'keelson.obj.pods.prod.web-1', { type: 'Deleted', object: pod(), actor: 'user:admin', time: '2026-11-26T10:00:04.000Z' });
    const batch = new HistoryBatch();
    expect(batch.add(raw)).toBeNull();
    expect(batch.size).toBe(1);
  });

});
