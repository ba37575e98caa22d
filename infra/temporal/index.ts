export * from './config';
export * from './connection';
export * from './dev-server';
export * from './search-attributes';
