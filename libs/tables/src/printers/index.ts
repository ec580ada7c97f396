export * as pods from './pods';
export * as workloads from './workloads';
export * as core from './core';
export * as events from './events';
export * as cluster from './cluster';
