export * from './framework/types';
