// The pod lifecycle event generator: Docker's event stream, filtered to this node's
// containers by label, tells the agent at once when a container starts, dies or is
// OOM-killed, so a crash is noticed in milliseconds rather than at the next resync.
// Only the pod uid is passed on; the sync re-reads everything (STYLE.md: queues carry keys).
import type Docker from 'dockerode';
import { LABEL_NODE, LABEL_POD_UID } from '@keelson/runtime';

export function watchContainerEvents(docker: Docker, node: string, onPod: (uid: string) => void, log: (line: string) => void): () => void {
  let stopped = false;
  let current: NodeJS.ReadableStream | undefined;
  const open = async () => {
    if (stopped) return;
    try {
      const stream = await docker.getEvents({ filters: { type: ['container'], label: [`${LABEL_NODE}=${node}`], event: ['start', 'die', 'oom', 'destroy'] } });
      current = stream;
      let buf = '';
      stream.on('data', (chunk: Buffer) => {
        buf += chunk.toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          try {
            const uid = JSON.parse(line)?.Actor?.Attributes?.[LABEL_POD_UID];
            if (uid) onPod(uid);
          } catch {
            /* a partial line: wait for more */
          }
        }
      });
      stream.on('end', () => void (stopped || setTimeout(open, 1_000)));
      stream.on('error', () => undefined);
    } catch (e) {
      log(`docker events: ${(e as Error).message}; retrying`);
      setTimeout(open, 2_000);
    }
  };
  void open();
  return () => {
    stopped = true;
    (current as unknown as { destroy?: () => void })?.destroy?.();
  };
}
