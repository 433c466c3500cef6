/** Every conformance case on the wasm backend: identity mode, and windowed mode with eviction on nearly every call. */
import { fileFixture } from '../helpers/node-file-fixture.js';
import { runConformance } from './run-jest.js';

runConformance(fileFixture('wasm identity', { backend: 'wasm' }));
runConformance(fileFixture('wasm windowed', { backend: 'wasm', pageSize: 4096, maxResident: 4 * 4096 }));
