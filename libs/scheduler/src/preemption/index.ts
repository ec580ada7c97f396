export * from './find-preemption';
export * from './nominated';
export * from './pdb';
export * from './run-filters';
export * from './victims';
