export * from './signature';
export * from './headers';
export * from './payload';
export * from './normalise';
export * from './channel';
export * from './filter';
export * from './candidate-identity';
