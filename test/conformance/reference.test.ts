/** The conformance cases against the reference map: keeps the cases themselves honest. */
import { runConformance } from './run-jest.js';
import { referenceFixture } from '../helpers/reference-map.js';

runConformance(referenceFixture());
