export { type GatewayConfig, gatewayConfig } from './config.js';
export { type RunningGateway, type StartGatewayOptions, startGateway } from './gateway.js';
export { DEFAULT_LIMITS, type Limits } from './limits.js';
export { FolderCache, FolderCaches } from './store/folder-cache.js';
export { SoapMailStoreProvider } from './store/soap-store.js';
export * from './store/types.js';
