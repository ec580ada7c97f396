// GET /containerLogs/{namespace}/{pod}/{container}: what `kubectl logs` reads, through the
// apiserver's pods/log. The query is the apiserver's PodLogOptions, passed on as is.
import type { ContainerInfo, LogOptions } from '@keelson/runtime';

export interface LogRequest {
  readonly follow: boolean;
  readonly previous: boolean;
  readonly timestamps: boolean;
  readonly tailLines?: number;
  readonly limitBytes?: number;
  /** Epoch seconds: from sinceSeconds (relative to `now`) or sinceTime (RFC 3339). */
  readonly since?: number;
}

export class LogQueryError extends Error {}

export function parseLogQuery(query: URLSearchParams, now: Date): LogRequest {
  const flag = (name: string) => ['true', '1'].includes(query.get(name) ?? '');
  const int = (name: string, min: number): number | undefined => {
    const raw = query.get(name);
    if (raw === null || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new LogQueryError(`${name}: Invalid value: ${raw}: must be ${min === 0 ? 'greater than or equal to 0' : 'greater than 0'}`);
    return n;
  };
  const sinceSeconds = int('sinceSeconds', 1);
  const sinceTime = query.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime) throw new LogQueryError('at most one of sinceTime or sinceSeconds may be specified');
  let since: number | undefined;
  if (sinceSeconds !== undefined) since = Math.floor(now.getTime() / 1000) - sinceSeconds;
  if (sinceTime) {
    const t = Date.parse(sinceTime);
    if (Number.isNaN(t)) throw new LogQueryError(`sinceTime: Invalid value: "${sinceTime}": must be an RFC3339 time`);
    since = Math.floor(t / 1000);
  }
  return { follow: flag('follow'), previous: flag('previous'), timestamps: flag('timestamps'), tailLines: int('tailLines', 0), limitBytes: int('limitBytes', 1), since };
}

export function runtimeLogOptions(request: LogRequest): LogOptions {
  // --previous reads an exited container: following it would end at once anyway.
  return { follow: request.follow && !request.previous, timestamps: request.timestamps, tail: request.tailLines, since: request.since };
}

/**
 * The instance to read: the newest (highest restart count, then newest) for the current logs.
 * For --previous, the kubelet reads the container status' lastState.terminated: the instance
 * before a running one, or the newest itself while it waits out its back-off — the only dead
 * instance the garbage collector keeps (MaxPerPodContainer 1).
 */
export function pickInstance(instances: readonly ContainerInfo[], previous: boolean): ContainerInfo | undefined {
  const ordered = [...instances].sort((a, b) => b.restartCount - a.restartCount || b.createdAt - a.createdAt);
  if (!previous) return ordered[0];
  return ordered[0]?.state === 'exited' && ordered[0].restartCount > 0 ? ordered[0] : ordered[1];
}
