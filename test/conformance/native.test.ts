/** Every conformance case on the native backend (the Node-API addon). */
import { fileFixture } from '../helpers/file-fixture.js';
import { runConformance } from './run-jest.js';

runConformance(fileFixture('native', { backend: 'native' }));
