import { runModel } from './run-model.js';
import { fileFixture } from '../helpers/node-file-fixture.js';

runModel(fileFixture('wasm identity', { backend: 'wasm' }));
runModel(fileFixture('wasm windowed', { backend: 'wasm', pageSize: 4096, maxResident: 4 * 4096 }));
