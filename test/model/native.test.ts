import { runModel } from './run-model.js';
import { fileFixture } from '../helpers/file-fixture.js';

runModel(fileFixture('native', { backend: 'native' }));
