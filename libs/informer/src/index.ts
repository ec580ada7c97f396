export * from './informer';
export * from './client';
export * from './leader';
