// What the controller tells users, on the Ingress objects themselves: Events as ingress-nginx
// writes them (`Sync` "Scheduled for sync" when an Ingress it serves changes, `RELOAD` when a
// configuration is refused — ingress-nginx puts that one on its own pod; here there is no pod,
// so it goes on the Ingress the failing line came from — and `BadConfig` for a part it had to
// leave out), and `status.loadBalancer.ingress`.
import type { EventRecorder, ObjectReference } from '@keelson/events';
import type { Ingress, StatusUpdate, Warning } from '@keelson/ingress';
import { objectPath, type ApiClient } from '@keelson/informer';

export const COMPONENT = 'keelson-ingress-controller';

export class IngressReporter {
  /** `ingress message` of the BadConfig warnings already reported and still true */
  private readonly reported = new Set<string>();

  constructor(
    private readonly api: ApiClient,
    private readonly recorder: EventRecorder,
    private readonly log: (line: string) => void,
  ) {}

  scheduledForSync(ing: Ingress, cause?: number): void {
    this.recorder.record(ref(ing), 'Normal', 'Sync', 'Scheduled for sync', { cause });
  }

  configRejected(ingresses: readonly Ingress[], message: string): void {
    this.log(`ingress-controller: configuration refused, nginx keeps the previous one: ${message}`);
    for (const ing of ingresses) this.recorder.record(ref(ing), 'Warning', 'RELOAD', `Error reloading NGINX: ${message}`);
  }

  /** Reports each warning once while it holds; one that went away and comes back is reported again. */
  warnings(list: readonly Warning[], byKey: ReadonlyMap<string, Ingress>): void {
    const now = new Set(list.map((w) => `${w.ingress} ${w.message}`));
    for (const w of list) {
      const key = `${w.ingress} ${w.message}`;
      const ing = byKey.get(w.ingress);
      if (this.reported.has(key) || !ing) continue;
      this.reported.add(key);
      this.recorder.record(ref(ing), 'Warning', w.reason, w.message);
    }
    for (const key of this.reported) if (!now.has(key)) this.reported.delete(key);
  }

  async statuses(updates: readonly StatusUpdate[]): Promise<void> {
    for (const u of updates) {
      const path = objectPath('networking.k8s.io', 'v1', 'ingresses', u.namespace, u.name, 'status');
      await this.api.patch(path, { status: { loadBalancer: { ingress: u.ingress } } }, { fieldManager: COMPONENT }).catch((e) => {
        // Deleted meanwhile: the next sync no longer sees it.
        if ((e as { code?: number }).code !== 404) this.log(`ingress-controller: status of ${u.namespace}/${u.name}: ${(e as Error).message}`);
      });
    }
  }
}

function ref(ing: Ingress): ObjectReference {
  const m = ing.metadata;
  return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace: m.namespace, name: m.name ?? '', uid: m.uid, resourceVersion: m.resourceVersion };
}
