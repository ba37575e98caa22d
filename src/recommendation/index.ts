export * from './types';
export * from './rows';
export * from './evaluate';
export * from './recommender';
export * from './record';
export * from './confidence';
