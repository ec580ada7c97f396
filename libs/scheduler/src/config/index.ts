export * from './config';
export { FILTERS_BY_NAME, SCORE_FACTORIES, KNOWN_PLUGINS } from './registry';
