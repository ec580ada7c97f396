import type { KubeObject } from '@keelson/apimachinery';
import type { Envelope, LogEntry } from '@keelson/eventlog';
import { CopyBatch, CopyWriter } from './copy';
import { HistoryBatch, HISTORY_COLUMNS, textArray, timeAt, writeEntryRows } from './entry-rows';
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
  const history = new CopyBatch();
  const object = new CopyWriter();
  const live = writeEntryRows(raw, history, object);
  const line = object.bytes().toString();
  if (live) expect(line.endsWith('\n')).toBe(true);
  return { history: historyRows(history)[0], object: live ? line.slice(0, -1).split('\t').map(uncopy) : null };
}

/**
 * History rows in COPY's binary format back to text as Postgres would print them: int8 fields
 * as numbers, the time (microseconds since 2000-01-01 UTC) as an ISO time, text as it is.
 */
function historyRows(batch: CopyBatch): (string | null)[][] {
  const b = Buffer.concat(batch.done());
  const out: (string | null)[][] = [];
  for (let i = 0; i < b.length; ) {
    const n = b.readInt16BE(i);
    expect(n).toBe(HISTORY_COLUMNS.length);
    i += 2;
    const row: (string | null)[] = [];
    for (let k = 0; k < n; k++) {
      const len = b.readInt32BE(i);
      i += 4;
      if (len < 0) {
        row.push(null);
        continue;
      }
      const column = HISTORY_COLUMNS[k];
      if (column === 'seq' || column === 'cause') row.push(String(b.readBigInt64BE(i)));
      else if (column === 'time') row.push(new Date(Number(b.readBigInt64BE(i)) / 1000 + Date.UTC(2000, 0, 1)).toISOString());
      else row.push(b.toString('utf8', i, i + len));
      i += len;
    }
    out.push(row);
  }
  return out;
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

  it('writes the history rows of many entries one after the other, whatever chunk each lands in', () => {
    const history = new CopyBatch();
    const object = new CopyWriter();
    const padding = 'x'.repeat(3000);
    for (let seq = 1; seq <= 300; seq++) {
      const name = `web-${seq}`;
      writeEntryRows(entry(seq, `keelson.obj.pods.prod.${name}`, { type: 'Created', object: pod({ metadata: { name, annotations: { padding } } }), actor: 'user:admin', cause: seq - 1, time: '2026-11-26T10:00:00.000Z' }).raw, history, object);
    }
    const all = historyRows(history);
    expect(all.map((r) => r.slice(0, 4).concat(r[6]).join(' '))).toEqual(Array.from({ length: 300 }, (_, i) => `${i + 1} pods prod web-${i + 1} ${i}`));
    expect(all.every((r) => (JSON.parse(r[9]!) as KubeObject).metadata.annotations?.padding === padding)).toBe(true);
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
    const [fields] = historyRows((batch as unknown as { batch: CopyBatch }).batch);
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

describe('timeAt (an RFC 3339 time as timestamptz microseconds since 2000-01-01 UTC)', () => {
  const micros = (text: string) => {
    const b = Buffer.from(`"${text}"`);
    return timeAt(1, b, 1, b.length - 1);
  };
  const since2000 = (iso: string) => (Date.parse(iso) - Date.UTC(2000, 0, 1)) * 1000;

  it.each([
    ['2026-11-26T10:00:00.000Z', since2000('2026-11-26T10:00:00.000Z')],
    ['2026-11-26T10:00:00Z', since2000('2026-11-26T10:00:00Z')],
    ['1999-12-31T23:59:59.5Z', -500_000],
    ['2026-11-26t10:00:00.123456z', since2000('2026-11-26T10:00:00.123Z') + 456],
    ['2026-11-26T10:00:00.1234565Z', since2000('2026-11-26T10:00:00.123Z') + 457],
    ['2026-11-26T12:30:00+02:30', since2000('2026-11-26T10:00:00Z')],
    ['2026-11-26T07:00:00.250-03:00', since2000('2026-11-26T10:00:00.250Z')],
  ])('%s', (text, expected) => {
    expect(micros(text)).toBe(expected);
  });

  it.each(['2026-11-26 10:00:00', '20x6-11-26T10:00:00Z', '2026-11-26T10:00:00', '2026-13-26T10:00:00Z', '2026-11-26T10:00:00.5Zjunk', 'yesterday', ''])('refuses %j, naming the entry', (text) => {
    expect(() => micros(text)).toThrow(`entry 1: time ${JSON.stringify(text)} is not an RFC 3339 time`);
  });
});
