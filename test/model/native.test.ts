import { runModel } from './run-model.js';
import { fileFixture } from '../helpers/node-file-fixture.js';

runModel(fileFixture('native', { backend: 'native' }));
