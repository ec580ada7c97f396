export * from './labels';
export { parseLabelSelector } from './label-parser';
export * from './label-selector';
export * from './fields';
export * from './field-labels';
export * from './sql';
export { isQualifiedName, isValidLabelValue, isDNS1123Subdomain, LABEL_VALUE_MAX_LENGTH } from './validation';
