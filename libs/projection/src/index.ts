export * from './entities';
export * from './evolve';
export * from './database';
export * from './writer';
export * from './projector';
export * from './reader';
export * from './replay';
