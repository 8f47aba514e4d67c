export * from './mime/index.js';
export * from './structure-json.js';
