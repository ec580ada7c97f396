export * from './types';
export * from './actions';
export * from './storage-class';
export * from './matching';
export * from './binder';
export * from './provisioner';
export * from './reconcile';
