export { PhoneMonitoring } from './monitoring.js';
