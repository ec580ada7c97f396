export * from './conditions';
export * from './reconcile';
