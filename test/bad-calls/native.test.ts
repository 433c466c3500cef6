import { runBadCalls } from './run-table.js';

runBadCalls('native', { backend: 'native' });
