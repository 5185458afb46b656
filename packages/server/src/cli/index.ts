export { main, runCli } from './main.js';
