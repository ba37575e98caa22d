export * from './metrics';
export * from './protocols';
