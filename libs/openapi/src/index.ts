export { apiVersions, apiResourceList, apiGroupList, apiGroup, resourceEntries, storageVersionHash, SUBRESOURCES } from './discovery';
export type { ApiResourceEntry, ApiGroup } from './discovery';
export { negotiateDiscovery, apiGroupDiscoveryList, DISCOVERY_CONTENT_TYPE } from './aggregated-discovery';
export type { DiscoveryFormat } from './aggregated-discovery';
export { openapiV2Json, openapiV3Index, openapiV3GroupVersion, openapiV3Hash } from './openapi';
export { openapiV2Protobuf, OPENAPI_V2_PROTOBUF_CONTENT_TYPE } from './openapi-v2-proto';
export { QUERY_PARAMS, PATCH_CONTENT_TYPES } from './operations';
