export * from './actor.ts';
export * from './policy.ts';
export { requireUser, authorize } from './guard.ts';
export * from './crm-policy.ts';
export * from './plan-policy.ts';
export * from './feed-policy.ts';
