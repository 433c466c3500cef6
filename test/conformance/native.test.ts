/** Every conformance case on the native backend (the Node-API addon). */
import { ensureAddon } from '../helpers/native-build.js';
import { fileFixture } from '../helpers/node-file-fixture.js';
import { runConformance } from './run-jest.js';

beforeAll(ensureAddon);
runConformance(fileFixture('native', { backend: 'native' }));
