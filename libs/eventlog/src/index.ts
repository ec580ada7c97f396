export * from './subject';
export * from './envelope';
export * from './secrets';
export * from './log';
