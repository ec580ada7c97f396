import { controllerOf, nextAvailableIn } from '../history';
import { cleanupHistory, constructHistory } from './history';
import { BURST_REPLICAS, manage, podsByNode } from './manage';
import { newDaemonPod } from './pod-template';
import { rollingUpdate } from './rolling-update';
import { daemonSetStatus, statusChanged } from './status';
import type { DaemonSet, DaemonSetAction, DaemonSetObserved } from './types';

// The DaemonSet control loop (daemon_controller.go syncDaemonSet) as one pure decision:
//
//   1. history: the revision for the current template (created or renumbered), its hash
//   2. manage: create a pod for every eligible node without one, delete failed, excess and
//      misplaced pods and pods of nodes that are gone
//   3. only when manage had nothing to do (Kubernetes waits on its expectations likewise):
//      RollingUpdate step, then old revisions beyond revisionHistoryLimit
//   4. status (observedGeneration only once nothing was pending), requeue for minReadySeconds

export function reconcile(ds: DaemonSet, observed: DaemonSetObserved, now: Date): DaemonSetAction[] {
  const pods = observed.pods.filter((p) => controllerOf(p)?.uid === ds.metadata.uid);
  const history = constructHistory(ds, observed.revisions, pods);
  const actions: DaemonSetAction[] = [...history.actions];
  const byNode = podsByNode(pods);
  const deleting = !!ds.metadata.deletionTimestamp;

  let settled = true;
  if (!deleting) {
    const managed = manage(ds, observed.nodes, byNode, history.hash, now);
    for (const nodeName of managed.create.slice(0, BURST_REPLICAS)) actions.push({ type: 'createPod', pod: newDaemonPod(ds, nodeName, history.hash), nodeName });
    for (const d of managed.delete.slice(0, BURST_REPLICAS)) actions.push({ type: 'deletePod', ...d });
    settled = managed.create.length === 0 && managed.delete.length === 0;

    if (settled && ds.spec.updateStrategy?.type !== 'OnDelete') {
      const step = rollingUpdate(ds, observed.nodes, byNode, history.hash, now);
      for (const nodeName of step.createOnNodes.slice(0, BURST_REPLICAS)) actions.push({ type: 'createPod', pod: newDaemonPod(ds, nodeName, history.hash), nodeName });
      for (const name of step.deletePods.slice(0, BURST_REPLICAS)) actions.push({ type: 'deletePod', name, reason: 'Update' });
    }
    if (settled) actions.push(...cleanupHistory(ds, history.old, observed.pods.filter((p) => controllerOf(p)?.uid === ds.metadata.uid)));
  }

  const status = daemonSetStatus(ds, observed.nodes, byNode, history.hash, now, settled, history.collisionCount);
  if (statusChanged(ds, status)) actions.push({ type: 'updateStatus', status });

  const minReady = ds.spec.minReadySeconds ?? 0;
  const wait = status.numberReady !== status.numberAvailable ? nextAvailableIn(pods, minReady, now) : undefined;
  if (wait !== undefined) actions.push({ type: 'requeueAfter', seconds: wait / 1000 });
  return actions;
}
