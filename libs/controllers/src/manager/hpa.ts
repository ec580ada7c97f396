import { matches, parseLabelSelector, type KubeObject } from '@keelson/apimachinery';
import { objectPath } from '@keelson/informer';
import { findByKind } from '@keelson/resources';
import type { Pod } from '../common/types';
import { podMetricsByName, type PodMetricsItem } from '../hpa/pod-metrics';
import { EMPTY_MEMORY, failedRescale, HPA_SYNC_SECONDS, reconcileHpa, type HpaAction, type HpaMemory, type HpaObserved } from '../hpa/reconcile';
import type { HorizontalPodAutoscaler, HpaStatus } from '../hpa/types';
import { keyOfObject, splitKey } from './client';
import type { SyncResult } from './controller';
import type { IndexedInformer } from './informers';
import { causeOf, ControllerShell, type ShellContext } from './shell';

// The HorizontalPodAutoscaler shell: each HPA is looked at when its spec changes and every
// 15 s after, reading the target's /scale, the pods its selector names (from the pod informer)
// and their usage from metrics.k8s.io, then doing what reconcileHpa decided. Recent
// recommendations and rescales live here in memory, as in kube-controller-manager.

export class HorizontalPodAutoscalerController extends ControllerShell {
  readonly name = 'horizontalpodautoscaling';
  override readonly workers = 2;
  private readonly hpas: IndexedInformer;
  private readonly pods: IndexedInformer;
  private readonly memory = new Map<string, HpaMemory>();

  constructor(ctx: ShellContext) {
    super(ctx);
    this.hpas = ctx.informers.for('autoscaling', 'horizontalpodautoscalers');
    this.pods = ctx.informers.for('', 'pods');
    this.hpas.on((e) => {
      if (e.type === 'delete') return void this.memory.delete(e.key);
      // Status writes (ours) do not need a look; spec changes and new HPAs do.
      if (e.type === 'add' || e.old?.metadata.generation !== e.object.metadata.generation) this.enqueue(e.key, e.seq);
    });
  }

  keys(): string[] {
    return this.hpas.list().map(keyOfObject);
  }

  async sync(key: string, queuedCause: number | undefined): Promise<SyncResult | void> {
    const hpa = this.hpas.get(key) as HorizontalPodAutoscaler | undefined;
    if (!hpa) return;
    const { namespace } = splitKey(key);
    const cause = causeOf(queuedCause, hpa);
    const scalePath = this.scalePath(hpa);
    const scale = scalePath ? await this.client.get(scalePath).then(scaleOf, (e: Error) => ({ error: e.message })) : { error: `unsupported target ${hpa.spec.scaleTargetRef.apiVersion} ${hpa.spec.scaleTargetRef.kind}` };
    const selector = 'selector' in scale ? (scale.selector ?? '') : undefined;
    const requirements = selector ? parseLabelSelector(selector) : undefined;
    const pods = requirements ? (this.pods.inNamespace(namespace).filter((p) => matches(requirements, p.metadata.labels)) as Pod[]) : [];
    const usage = selector ? await this.podMetrics(namespace, selector) : { error: 'the target has no selector' };
    const observed: HpaObserved = {
      scale,
      pods,
      metrics: (resource) => ('error' in usage ? usage : podMetricsByName(usage.items, resource)),
      memory: this.memory.get(key) ?? EMPTY_MEMORY,
    };
    const decision = reconcileHpa(hpa, observed, this.now);
    const statusPath = objectPath('autoscaling', 'v2', 'horizontalpodautoscalers', namespace, hpa.metadata.name, 'status');
    const write = { cause, fieldManager: this.component };
    const involved = { kind: 'HorizontalPodAutoscaler', namespace, name: hpa.metadata.name!, uid: hpa.metadata.uid };
    const record = (a: Extract<HpaAction, { type: 'recordEvent' }>) => this.recorder.record(involved, a.eventType, a.reason, a.message, cause);
    for (const a of decision.actions) {
      if (a.type === 'scale') {
        try {
          await this.client.update(scalePath!, { ...(await this.client.get(scalePath!)), spec: { replicas: a.replicas } }, write);
        } catch (e) {
          const failed = failedRescale(hpa, statusOf(decision.actions) ?? hpa.status!, (e as Error).message, this.now);
          await this.client.update(statusPath, { ...hpa, status: failed.status }, write);
          await record(failed.event as Extract<HpaAction, { type: 'recordEvent' }>);
          throw e;
        }
      } else if (a.type === 'updateStatus') {
        await this.client.update(statusPath, { ...hpa, status: a.status }, write);
      } else await record(a);
    }
    this.memory.set(key, decision.memory);
    return { requeueAfterSeconds: HPA_SYNC_SECONDS };
  }

  /** The target's scale subresource, from scaleTargetRef's apiVersion and kind. */
  private scalePath(hpa: HorizontalPodAutoscaler): string | undefined {
    const ref = hpa.spec.scaleTargetRef;
    const r = findByKind(ref.apiVersion ?? '', ref.kind);
    if (!r?.subresources?.includes('scale')) return undefined;
    return objectPath(r.group, r.versions[0], r.plural, hpa.metadata.namespace, ref.name, 'scale');
  }

  private async podMetrics(namespace: string, selector: string): Promise<{ items: PodMetricsItem[] } | { error: string }> {
    try {
      const list = await this.client.get(`${objectPath('metrics.k8s.io', 'v1beta1', 'pods', namespace)}?labelSelector=${encodeURIComponent(selector)}`);
      return { items: (list.items ?? []) as PodMetricsItem[] };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }
}

function scaleOf(scale: KubeObject): { replicas: number; selector?: string } {
  const s = scale as KubeObject & { spec?: { replicas?: number }; status?: { selector?: string } };
  return { replicas: s.spec?.replicas ?? 0, selector: s.status?.selector };
}

const statusOf = (actions: readonly HpaAction[]): HpaStatus | undefined => actions.find((a): a is Extract<HpaAction, { type: 'updateStatus' }> => a.type === 'updateStatus')?.status;
