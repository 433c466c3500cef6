import { runModel } from './run-model.js';
import { referenceFixture } from '../helpers/reference-map.js';

runModel(referenceFixture());
