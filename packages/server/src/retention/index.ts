export { RetentionJob } from './retention-job.js';
