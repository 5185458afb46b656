export { PhoneMonitoring, type PhoneMonitoringDeps } from './monitoring.js';
