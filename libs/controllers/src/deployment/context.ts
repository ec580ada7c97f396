// One sync of one Deployment: the objects as this sync has changed them so far, and the actions
// that change them for real. Kubernetes' sync writes through the client as it goes and reads
// its own results back; here each write is recorded and the working copy updated, so later
// steps of the same sync see it just as they would in Go.

import { ControllerAction, keyOf } from '../common/actions';
import { clone, Deployment, DeploymentStatus, Pod, ReplicaSet } from '../common/types';
import { maxSurge, replicasOf } from './fenceposts';
import { replicasAnnotationsNeedUpdate, setReplicasAnnotations } from './annotations';

export class SyncContext {
  readonly actions: ControllerAction[] = [];
  /** Working copy: status and annotations change during the sync, spec only on rollback. */
  readonly d: Deployment;
  /** The ReplicaSets this Deployment owns (after adoption), as scaled so far. */
  rsList: ReplicaSet[];

  constructor(
    readonly observed: Deployment,
    owned: readonly ReplicaSet[],
    /** Every ReplicaSet of the namespace, to spot a name already taken (hash collision). */
    readonly namespaceReplicaSets: readonly ReplicaSet[],
    /** Pods of the owned ReplicaSets, by ReplicaSet uid (Recreate waits for them to be gone). */
    readonly podMap: ReadonlyMap<string, readonly Pod[]>,
    readonly now: Date,
  ) {
    this.d = clone(observed);
    this.d.status = clone(observed.status ?? {}) as DeploymentStatus;
    this.rsList = owned.map((rs) => clone(rs));
  }

  get status(): DeploymentStatus {
    return this.d.status as DeploymentStatus;
  }

  event(eventType: 'Normal' | 'Warning', reason: string, message: string): void {
    this.actions.push({ type: 'recordEvent', key: keyOf(this.observed), kind: 'Deployment', eventType, reason, message });
  }

  /** Record a create; the new ReplicaSet joins the working list (it has no uid yet). */
  createReplicaSet(rs: ReplicaSet): void {
    this.actions.push({ type: 'createReplicaSet', namespace: rs.metadata.namespace ?? '', replicaSet: rs });
    this.rsList.push(rs);
  }

  /**
   * Record an update carrying the whole working object. A second update of the same
   * ReplicaSet in one sync folds into the first (one write, one resourceVersion).
   */
  updateReplicaSet(rs: ReplicaSet): ReplicaSet {
    const copy = clone(rs);
    this.rsList = this.rsList.map((x) => (x.metadata.name === rs.metadata.name ? copy : x));
    const i = this.actions.findIndex((a) => (a.type === 'updateReplicaSet' || a.type === 'createReplicaSet') && ('key' in a ? a.key.name : a.replicaSet.metadata.name) === rs.metadata.name);
    const prior = i >= 0 ? this.actions[i] : undefined;
    if (prior?.type === 'createReplicaSet') this.actions[i] = { ...prior, replicaSet: copy };
    else if (prior) this.actions[i] = { type: 'updateReplicaSet', key: keyOf(copy), replicaSet: copy };
    else this.actions.push({ type: 'updateReplicaSet', key: keyOf(copy), replicaSet: copy });
    return copy;
  }

  deleteReplicaSet(rs: ReplicaSet): void {
    this.actions.push({ type: 'deleteReplicaSet', key: keyOf(rs) });
  }

  find(rs: ReplicaSet): ReplicaSet {
    return this.rsList.find((x) => x.metadata.name === rs.metadata.name) ?? rs;
  }

  /**
   * `scaleReplicaSetAndRecordEvent` / `scaleReplicaSet`: set spec.replicas and the desired/max
   * annotations; an event only when the size changed. Returns whether it scaled, and the copy.
   */
  scale(rs: ReplicaSet, newScale: number, proportional?: { operation: 'up' | 'down' | '' }): { scaled: boolean; rs: ReplicaSet } {
    const current = this.find(rs);
    const old = replicasOf(current);
    const desired = replicasOf(this.d);
    const max = desired + maxSurge(this.d);
    const sizeNeedsUpdate = old !== newScale;
    // Proportional scaling also refreshes stale desired/max annotations at an unchanged size.
    if (!sizeNeedsUpdate && !(proportional && replicasAnnotationsNeedUpdate(current, desired, max))) return { scaled: false, rs: current };
    const copy = clone(current);
    copy.spec.replicas = newScale;
    setReplicasAnnotations(copy, desired, max);
    const updated = this.updateReplicaSet(copy);
    if (sizeNeedsUpdate) {
      const op = proportional ? proportional.operation : old < newScale ? 'up' : 'down';
      this.event('Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${copy.metadata.name} from ${old} to ${newScale}`);
    }
    return { scaled: sizeNeedsUpdate, rs: updated };
  }
}
