import { CronJobController } from './cronjob';
import { DaemonSetController } from './daemonset';
import { DeploymentController } from './deployment';
import { EndpointsController } from './endpoints';
import { EndpointSliceController } from './endpointslice';
import { GarbageCollector } from './garbage-collector';
import { HorizontalPodAutoscalerController } from './hpa';
import { JobController } from './job';
import { NamespaceController } from './namespace';
import type { NodeLifecycleOptions } from '../nodelifecycle/reconcile';
import { NodeLifecycleController } from './node-lifecycle';
import { NodeIpamController } from './nodeipam';
import { ReplicaSetController } from './replicaset';
import type { ControllerShell, ShellContext } from './shell';
import { StatefulSetController } from './statefulset';
import { PersistentVolumeController } from './volume';

// Every controller the manager can run, by the name kube-controller-manager's --controllers
// flag uses.

/** Settings of single controllers, as kube-controller-manager's per-controller flags. */
export interface ControllerOptions {
  nodeLifecycle?: NodeLifecycleOptions;
}

type Factory = (ctx: ShellContext, options: ControllerOptions) => ControllerShell;

export const CONTROLLERS = [
  { name: 'replicaset', create: ((ctx) => new ReplicaSetController(ctx)) as Factory },
  { name: 'deployment', create: ((ctx) => new DeploymentController(ctx)) as Factory },
  { name: 'statefulset', create: ((ctx) => new StatefulSetController(ctx)) as Factory },
  { name: 'daemonset', create: ((ctx) => new DaemonSetController(ctx)) as Factory },
  { name: 'job', create: ((ctx) => new JobController(ctx)) as Factory },
  { name: 'cronjob', create: ((ctx) => new CronJobController(ctx)) as Factory },
  { name: 'garbagecollector', create: ((ctx) => new GarbageCollector(ctx)) as Factory },
  { name: 'namespace', create: ((ctx) => new NamespaceController(ctx)) as Factory },
  { name: 'nodeipam', create: ((ctx) => new NodeIpamController(ctx)) as Factory },
  { name: 'nodelifecycle', create: ((ctx, options) => new NodeLifecycleController(ctx, options.nodeLifecycle)) as Factory },
  { name: 'persistentvolume-binder', create: ((ctx) => new PersistentVolumeController(ctx)) as Factory },
  { name: 'endpoints', create: ((ctx) => new EndpointsController(ctx)) as Factory },
  { name: 'horizontalpodautoscaling', create: ((ctx) => new HorizontalPodAutoscalerController(ctx)) as Factory },
  { name: 'endpointslice', create: ((ctx) => new EndpointSliceController(ctx)) as Factory },
] as const;

export type ControllerName = (typeof CONTROLLERS)[number]['name'];
