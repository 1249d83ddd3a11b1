export { recordAudit, type AuditInput } from './commands.ts';
export { listAudit, listAuditActions, type AuditEntry, type AuditFilter } from './queries.ts';
