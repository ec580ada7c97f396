import { NatsError, StorageType, type ObjectStore } from 'nats';
import { KeyTree, pick } from './json-scan';
import type { EventLog, RawEntry } from './log';
import { EntryDecoder, encodeEntries } from './snapshot-format';

// Snapshots of the log for rebuilds to start from (ARCHITECTURE: "replays start from the newest
// projection snapshot, not from sequence 1"). A snapshot as of sequence S is the log compacted
// at S: for every object alive at S, its newest entry at or before S, byte for byte as the log
// holds it (what a compacted Kafka topic keeps). Replaying it and then the log after S gives
// every projection exactly what replaying from sequence 1 gives for the current state, with
// history from S on (design-notes.md, "Snapshots", says why it is this and not a table dump).
//
// Snapshots live in a NATS Object Store bucket beside the stream (`<STREAM>_SNAPSHOTS`): as
// durable and as replicated as the log itself, so they survive the loss of Postgres, which is
// when a rebuild is needed most. A snapshot is taken by folding the newest earlier snapshot and
// the log after it in memory — nothing is read from a projection, so a projection's bug cannot
// leak into a snapshot. It names the stream's creation time: a stream deleted and made again
// does not inherit the old one's snapshots.

export interface SnapshotInfo {
  /** object name in the bucket */
  name: string;
  /** the log is compacted at this sequence */
  seq: number;
  /** the envelope time of the entry at `seq` (or the newest before it), for replays bounded by time */
  time: string;
  /** entries (objects alive at seq) */
  entries: number;
  bytes: number;
}

interface Description {
  format: 1;
  stream: string;
  streamCreated: string;
  filter: string;
  seq: number;
  time: string;
  entries: number;
}

export function snapshotBucket(stream: string): string {
  return `${stream}_SNAPSHOTS`;
}

/** The stream's snapshots, newest first; none when the bucket does not exist (it is not created here). */
export async function listSnapshots(log: EventLog): Promise<SnapshotInfo[]> {
  const os = await openBucket(log, false);
  if (!os) return [];
  const created = await streamCreated(log);
  const out: SnapshotInfo[] = [];
  for (const info of await os.list()) {
    const d = parseDescription(info.description);
    if (!d || d.stream !== log.stream || d.streamCreated !== created || d.filter !== filterOf(log)) continue;
    out.push({ name: info.name, seq: d.seq, time: d.time, entries: d.entries, bytes: info.size });
  }
  return out.sort((a, b) => b.seq - a.seq);
}

/** Passes the snapshot's entries in sequence order; `ready` as in readRange, asked after each chunk. */
export async function readSnapshot(log: EventLog, snapshot: SnapshotInfo, onEntry: (e: RawEntry) => void, ready?: () => Promise<void> | undefined): Promise<number> {
  const os = await openBucket(log, false);
  const result = os ? await os.get(snapshot.name) : null;
  if (!result) throw new Error(`snapshot ${snapshot.name} is gone`);
  const decoder = new EntryDecoder();
  let count = 0;
  const reader = result.data.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    decoder.push(value, (e) => {
      count++;
      onEntry(e);
    });
    await ready?.();
  }
  decoder.end();
  const error = await result.error;
  if (error) throw error;
  if (count !== snapshot.entries) throw new Error(`snapshot ${snapshot.name} holds ${count} entries, its description says ${snapshot.entries}`);
  return count;
}

export interface TakeSnapshotOptions {
  /** compact at this sequence (default: the stream's last) */
  toSeq?: number;
  /** snapshots to keep, the new one included (default 3) */
  keep?: number;
}

/**
 * Takes a snapshot: the newest earlier one plus the log after it, folded in memory (each
 * object's newest entry; a tombstone removes the object), stored as one object. Returns the
 * newest snapshot unchanged when the log has not moved since.
 */
export async function takeSnapshot(log: EventLog, opts: TakeSnapshotOptions = {}): Promise<SnapshotInfo> {
  const { first, last } = await log.bounds();
  const target = Math.min(opts.toSeq ?? last, last);
  const base = (await listSnapshots(log)).find((s) => s.seq <= target);
  if (base && base.seq === target) return base;
  const live = new Map<string, RawEntry>();
  let newest: RawEntry | undefined;
  const fold = (e: RawEntry) => {
    const kept = { seq: e.seq, subject: e.subject, data: copyOf(e.data) }; // not a view into a socket chunk
    if (isTombstone(kept)) live.delete(e.subject);
    else live.set(e.subject, kept);
    newest = kept;
  };
  if (base) await readSnapshot(log, base, fold);
  const read = await log.readRange({ filter: filterOf(log), fromSeq: base ? base.seq + 1 : first, toSeq: target, onEntry: fold });
  const seq = read.lastSeq || base?.seq || 0;
  if (seq === 0) throw new Error(`stream ${log.stream} holds nothing to snapshot`);
  const entries = [...live.values()].sort((a, b) => a.seq - b.seq);
  const description: Description = {
    format: 1,
    stream: log.stream,
    streamCreated: await streamCreated(log),
    filter: filterOf(log),
    seq,
    time: (newest && entryTime(newest)) || base?.time || '',
    entries: entries.length,
  };
  const chunks = encodeEntries(entries);
  const os = (await openBucket(log, true))!;
  const name = `snapshot-${String(seq).padStart(16, '0')}`;
  const info = await os.put({ name, description: JSON.stringify(description) }, streamOf(chunks));
  await prune(os, log, opts.keep ?? 3);
  return { name, seq, time: description.time, entries: entries.length, bytes: info.size };
}

/** Deletes all but the newest `keep` snapshots of this stream. */
async function prune(os: ObjectStore, log: EventLog, keep: number): Promise<void> {
  const all = await listSnapshots(log);
  for (const s of all.slice(Math.max(1, keep))) await os.delete(s.name);
}

async function openBucket(log: EventLog, create: boolean): Promise<ObjectStore | null> {
  const bucket = snapshotBucket(log.stream);
  if (!create) {
    try {
      await log.jsm.streams.info(`OBJ_${bucket}`);
    } catch (e) {
      if (e instanceof NatsError && e.api_error?.err_code === 10059) return null; // stream not found
      throw e;
    }
  }
  const replicas = (await log.jsm.streams.info(log.stream)).config.num_replicas;
  return log.js.views.os(bucket, { storage: StorageType.File, replicas, description: `snapshots of stream ${log.stream}` });
}

async function streamCreated(log: EventLog): Promise<string> {
  return (await log.jsm.streams.info(log.stream)).created;
}

const filterOf = (log: EventLog) => `${log.prefix}.>`;

function parseDescription(s: string | undefined): Description | null {
  try {
    const d = JSON.parse(s ?? '') as Description;
    return d.format === 1 ? d : null;
  } catch {
    return null;
  }
}

const TYPE_TIME = new KeyTree({ type: true, time: true });
const DELETED = '"Deleted"';

function isTombstone(e: RawEntry): boolean {
  const [type] = pick(e.data, [0, e.data.length], TYPE_TIME);
  return !!type && Buffer.from(e.data.buffer, e.data.byteOffset + type[0], type[1] - type[0]).toString('latin1') === DELETED;
}

function entryTime(e: RawEntry): string {
  const [, time] = pick(e.data, [0, e.data.length], TYPE_TIME);
  return time ? (JSON.parse(Buffer.from(e.data.buffer, e.data.byteOffset + time[0], time[1] - time[0]).toString()) as string) : '';
}

function copyOf(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}

function streamOf(chunks: Buffer[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]);
      else controller.close();
    },
  });
}
