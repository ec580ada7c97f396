export { reconcile as reconcileStatefulSet } from './reconcile';
export { POD_NAME_LABEL, POD_INDEX_LABEL, parentAndOrdinal, podName, claimName, claimsFor, newPod as newStatefulSetPod } from './identity';
export { desiredClaimOwners } from './claims';
export { statefulSetRevisions } from './revisions';
export { defaults as statefulSetDefaults } from './types';
export type { StatefulSet, StatefulSetSpec, StatefulSetStatus, StatefulSetObserved, StatefulSetAction, PersistentVolumeClaim, Pod as StatefulSetPod } from './types';
