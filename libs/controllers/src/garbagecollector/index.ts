export * from './graph';
export * from './reconcile';
