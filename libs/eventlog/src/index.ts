export * from './subject';
export * from './envelope';
export * from './secrets';
export * from './log';
export * from './range-reader';
export * from './json-scan';
export * from './snapshot';
export * from './snapshot-format';
