export { type RetainedRecords, RetentionJob, type RetentionJobDeps } from './retention-job.js';
