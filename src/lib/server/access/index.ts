export * from './policy.ts';
export { requireUser, authorize } from './guard.ts';
