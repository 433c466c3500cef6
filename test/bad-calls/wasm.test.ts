import { runBadCalls } from './run-table.js';

runBadCalls('wasm identity', { backend: 'wasm' });
runBadCalls('wasm windowed', { backend: 'wasm', pageSize: 4096, maxResident: 4 * 4096 });
