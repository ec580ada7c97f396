export * from './framework/types';
export * from './framework/info';
// A Kubernetes plugin (NodeResourcesFit, TaintToleration…) implements both extension points
// under one name; here its Filter and Score halves are separate objects, so each side is a namespace.
export * as filters from './plugins/filter';
export * as scores from './plugins/score';
export * from './cycle';
export * from './queue';
export * from './cache';
export * from './preemption';
export * from './config';
export * from './scheduler';
