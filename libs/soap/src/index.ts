export * from './client.js';
export * from './codec.js';
export * from './errors.js';
export * from './schema.js';
export * from './spec.js';
export * from './types.js';
export * from './wsdl.js';
export * from './xml.js';
