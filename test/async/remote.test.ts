/** The async-map cases under jest, against a real nginx and the fault server. */
import { remoteCases } from './cases/remote.js';
import { runAsyncCases } from './run-jest.js';

runAsyncCases('openMapAsync() of HTTP objects', remoteCases);
